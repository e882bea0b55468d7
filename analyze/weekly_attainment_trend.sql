-- Weekly attainment (met / (met + breached)) per rule over the last 12 weeks, all channels of
-- the rule together, with the request volume and the backlog at week end.
with

build as (
    select * from marts.meta_build
),

settings as (
    select * from config.settings
)

select
    weekly.rule_id,
    weekly.week_start,
    sum(weekly.requests) as requests,
    sum(weekly.met) as met,
    sum(weekly.breached) as breached,
    round(sum(weekly.met) / nullif(sum(weekly.met) + sum(weekly.breached), 0), 3) as attainment,
    sum(weekly.unanswered_end_of_day) as unanswered_at_week_end
from marts.agg_coverage_weekly as weekly
cross join build
cross join settings
where
    weekly.week_start
    >= cast(timezone(settings.timezone, build.as_of) as date) - interval 84 day
group by weekly.rule_id, weekly.week_start
order by weekly.rule_id, weekly.week_start;
