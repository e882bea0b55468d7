-- Every request is counted exactly once in each aggregate: per channel and rule, the request,
-- answered and status counts of agg_coverage_daily and of agg_coverage_weekly equal those of
-- fct_support_requests. Returns the (aggregate, channel, rule) that disagree.
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

daily as (
    select * from {{ ref('agg_coverage_daily') }}
),

weekly as (
    select * from {{ ref('agg_coverage_weekly') }}
),

request_counts as (
    select
        requests.channel,
        requests.rule_id,
        count(*) as requests,
        count(*) filter (where requests.is_answered) as answered,
        count(*) filter (where requests.sla_status = 'met') as met,
        count(*) filter (where requests.sla_status = 'breached') as breached,
        count(*) filter (where requests.sla_status = 'pending') as pending,
        count(*) filter (where requests.sla_status = 'no_sla') as no_sla
    from requests
    group by requests.channel, requests.rule_id
),

aggregate_counts as (
    select
        'agg_coverage_daily' as aggregate_name,
        daily.channel,
        daily.rule_id,
        sum(daily.requests) as requests,
        sum(daily.answered) as answered,
        sum(daily.met) as met,
        sum(daily.breached) as breached,
        sum(daily.pending) as pending,
        sum(daily.no_sla) as no_sla
    from daily
    group by daily.channel, daily.rule_id
    union all
    select
        'agg_coverage_weekly' as aggregate_name,
        weekly.channel,
        weekly.rule_id,
        sum(weekly.requests) as requests,
        sum(weekly.answered) as answered,
        sum(weekly.met) as met,
        sum(weekly.breached) as breached,
        sum(weekly.pending) as pending,
        sum(weekly.no_sla) as no_sla
    from weekly
    group by weekly.channel, weekly.rule_id
),

aggregate_names as (
    select unnest(['agg_coverage_daily', 'agg_coverage_weekly']) as aggregate_name
),

expected as (
    select
        aggregate_names.aggregate_name,
        request_counts.*
    from request_counts
    cross join aggregate_names
),

final as (
    select
        coalesce(expected.aggregate_name, aggregate_counts.aggregate_name) as aggregate_name,
        coalesce(expected.channel, aggregate_counts.channel) as channel,
        coalesce(expected.rule_id, aggregate_counts.rule_id) as rule_id,
        expected.requests as fact_requests,
        aggregate_counts.requests as aggregate_requests
    from expected
    full outer join aggregate_counts
        on
            expected.aggregate_name = aggregate_counts.aggregate_name
            and expected.channel is not distinct from aggregate_counts.channel
            and expected.rule_id = aggregate_counts.rule_id
    where
        expected.requests is distinct from aggregate_counts.requests
        or expected.answered is distinct from aggregate_counts.answered
        or expected.met is distinct from aggregate_counts.met
        or expected.breached is distinct from aggregate_counts.breached
        or expected.pending is distinct from aggregate_counts.pending
        or expected.no_sla is distinct from aggregate_counts.no_sla
)

select * from final
