-- Which GitHub repositories answer community issues and PRs slowest over the last 90 days:
-- median and p90 first-response hours over the answered ones, with the unanswered count next
-- to them (so a repo that never answers does not look fast).
with

build as (
    select * from marts.meta_build
)

select
    requests.channel as repo,
    requests.repo_group,
    count(*) as requests,
    count(*) filter (where requests.is_answered) as answered,
    count(*) filter (where not requests.is_answered) as unanswered,
    round(quantile_cont(requests.response_hours, 0.5) filter (where requests.is_answered), 1)
        as p50_response_hours,
    round(quantile_cont(requests.response_hours, 0.9) filter (where requests.is_answered), 1)
        as p90_response_hours,
    count(*) filter (where requests.sla_status = 'breached') as breached
from marts.fct_support_requests as requests
cross join build
where
    requests.source = 'github'
    and requests.created_at >= build.as_of - interval 90 day
group by requests.channel, requests.repo_group
order by p50_response_hours desc nulls first, unanswered desc;
