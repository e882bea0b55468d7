-- Coverage per week (Monday start, team time zone), channel and rule: the daily counts summed,
-- the percentiles recomputed over the week's requests (percentiles do not add up), and the
-- backlog at the end of the week's last day.
with

daily as (
    select * from {{ ref('agg_coverage_daily') }}
),

requests as (
    select * from {{ ref('fct_support_requests') }}
),

settings as (
    select * from {{ ref('stg_config__settings') }}
),

daily_in_weeks as (
    select
        daily.*,
        cast(date_trunc('week', daily.day) as date) as week_start
    from daily
),

answered_in_weeks as (
    select
        requests.channel,
        requests.rule_id,
        requests.response_hours,
        requests.response_business_hours,
        cast(date_trunc(
            'week', cast(timezone(settings.team_timezone, requests.created_at) as date)
        ) as date) as week_start
    from requests
    cross join settings
    where requests.is_answered
),

weekly_counts as (
    select
        daily.week_start,
        daily.channel,
        daily.rule_id,
        any_value(daily.source) as source,
        sum(daily.requests) as requests,
        sum(daily.answered) as answered,
        sum(daily.met) as met,
        sum(daily.breached) as breached,
        sum(daily.pending) as pending,
        sum(daily.no_sla) as no_sla,
        sum(daily.answered_handled) as answered_handled,
        sum(daily.answered_by_community) as answered_by_community,
        arg_max(daily.unanswered_end_of_day, daily.day) as unanswered_end_of_day
    from daily_in_weeks as daily
    group by daily.week_start, daily.channel, daily.rule_id
),

weekly_percentiles as (
    select
        answered_in_weeks.week_start,
        answered_in_weeks.channel,
        answered_in_weeks.rule_id,
        quantile_cont(answered_in_weeks.response_hours, 0.5) as p50_response_hours,
        quantile_cont(answered_in_weeks.response_hours, 0.9) as p90_response_hours,
        quantile_cont(answered_in_weeks.response_business_hours, 0.5)
            as p50_response_business_hours,
        quantile_cont(answered_in_weeks.response_business_hours, 0.9)
            as p90_response_business_hours
    from answered_in_weeks
    group by answered_in_weeks.week_start, answered_in_weeks.channel, answered_in_weeks.rule_id
),

final as (
    select
        weekly_counts.week_start,
        weekly_counts.channel,
        weekly_counts.rule_id,
        weekly_counts.source,
        cast(weekly_counts.requests as bigint) as requests,
        cast(weekly_counts.answered as bigint) as answered,
        cast(weekly_counts.met as bigint) as met,
        cast(weekly_counts.breached as bigint) as breached,
        cast(weekly_counts.pending as bigint) as pending,
        cast(weekly_counts.no_sla as bigint) as no_sla,
        weekly_counts.met / nullif(weekly_counts.met + weekly_counts.breached, 0) as attainment,
        weekly_percentiles.p50_response_hours,
        weekly_percentiles.p90_response_hours,
        weekly_percentiles.p50_response_business_hours,
        weekly_percentiles.p90_response_business_hours,
        case
            when weekly_counts.source = 'slack'
                then weekly_counts.answered_handled / nullif(weekly_counts.answered, 0)
        end as handled_share,
        weekly_counts.answered_by_community / nullif(weekly_counts.answered, 0)
            as community_answer_share,
        cast(weekly_counts.answered_handled as bigint) as answered_handled,
        cast(weekly_counts.answered_by_community as bigint) as answered_by_community,
        weekly_counts.unanswered_end_of_day
    from weekly_counts
    left join weekly_percentiles
        on
            weekly_counts.week_start = weekly_percentiles.week_start
            and weekly_counts.channel is not distinct from weekly_percentiles.channel
            and weekly_counts.rule_id = weekly_percentiles.rule_id
)

select * from final
