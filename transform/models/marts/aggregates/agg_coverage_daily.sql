-- Coverage per team-time-zone day, channel and rule. Every day from a channel's first request up
-- to as_of has a row (zeros on quiet days), so that the open backlog (unanswered_end_of_day)
-- stays visible on days without new requests.
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

settings as (
    select * from {{ ref('stg_config__settings') }}
),

requests_dated as (
    select
        requests.*,
        cast(timezone(settings.team_timezone, requests.created_at) as date) as created_date,
        -- An answer counts from the moment it happened, and only once it happened by as_of.
        case
            when requests.is_answered and requests.first_response_at <= {{ as_of() }}
                then cast(timezone(settings.team_timezone, requests.first_response_at) as date)
        end as answered_date
    from requests
    cross join settings
),

channel_spans as (
    select
        requests_dated.channel,
        requests_dated.rule_id,
        any_value(requests_dated.source) as source,
        min(requests_dated.created_date) as first_date,
        greatest(
            max(requests_dated.created_date),
            cast(timezone(any_value(settings.team_timezone), {{ as_of() }}) as date)
        ) as last_date
    from requests_dated
    cross join settings
    group by requests_dated.channel, requests_dated.rule_id
),

days as (
    select
        channel_spans.channel,
        channel_spans.rule_id,
        channel_spans.source,
        cast(unnest(generate_series(
            cast(channel_spans.first_date as timestamp),
            cast(channel_spans.last_date as timestamp),
            interval 1 day
        )) as date) as day
    from channel_spans
),

created_stats as (
    select
        requests_dated.channel,
        requests_dated.rule_id,
        requests_dated.created_date as day,
        count(*) as requests,
        count(*) filter (where requests_dated.is_answered) as answered,
        count(*) filter (where requests_dated.sla_status = 'met') as met,
        count(*) filter (where requests_dated.sla_status = 'breached') as breached,
        count(*) filter (where requests_dated.sla_status = 'pending') as pending,
        count(*) filter (where requests_dated.sla_status = 'no_sla') as no_sla,
        quantile_cont(requests_dated.response_hours, 0.5)
        filter (where requests_dated.is_answered) as p50_response_hours,
        quantile_cont(requests_dated.response_hours, 0.9)
        filter (where requests_dated.is_answered) as p90_response_hours,
        quantile_cont(requests_dated.response_business_hours, 0.5)
        filter (where requests_dated.is_answered) as p50_response_business_hours,
        quantile_cont(requests_dated.response_business_hours, 0.9)
        filter (where requests_dated.is_answered) as p90_response_business_hours,
        count(*) filter (where requests_dated.is_answered and requests_dated.is_handled)
            as answered_handled,
        count(*) filter (
            where requests_dated.is_answered and requests_dated.first_responder_kind = 'community'
        ) as answered_by_community
    from requests_dated
    group by requests_dated.channel, requests_dated.rule_id, requests_dated.created_date
),

-- The backlog moves up by one when a request arrives and down by one when it is answered; a
-- running sum over days gives the requests created and not answered by each day's end (or by
-- as_of on its own day). Arrivals after as_of are not in it yet.
backlog_changes as (
    select
        requests_dated.channel,
        requests_dated.rule_id,
        requests_dated.created_date as day,
        1 as change
    from requests_dated
    where requests_dated.created_at <= {{ as_of() }}
    union all
    select
        requests_dated.channel,
        requests_dated.rule_id,
        requests_dated.answered_date as day,
        -1 as change
    from requests_dated
    where
        requests_dated.answered_date is not null
        and requests_dated.created_at <= {{ as_of() }}
),

backlog_daily as (
    select
        backlog_changes.channel,
        backlog_changes.rule_id,
        backlog_changes.day,
        sum(backlog_changes.change) as net_change
    from backlog_changes
    group by backlog_changes.channel, backlog_changes.rule_id, backlog_changes.day
),

final as (
    select
        days.day,
        days.channel,
        days.rule_id,
        days.source,
        coalesce(created_stats.requests, 0) as requests,
        coalesce(created_stats.answered, 0) as answered,
        coalesce(created_stats.met, 0) as met,
        coalesce(created_stats.breached, 0) as breached,
        coalesce(created_stats.pending, 0) as pending,
        coalesce(created_stats.no_sla, 0) as no_sla,
        created_stats.met / nullif(created_stats.met + created_stats.breached, 0) as attainment,
        created_stats.p50_response_hours,
        created_stats.p90_response_hours,
        created_stats.p50_response_business_hours,
        created_stats.p90_response_business_hours,
        case
            when days.source = 'slack'
                then created_stats.answered_handled / nullif(created_stats.answered, 0)
        end as handled_share,
        created_stats.answered_by_community / nullif(created_stats.answered, 0)
            as community_answer_share,
        coalesce(created_stats.answered_handled, 0) as answered_handled,
        coalesce(created_stats.answered_by_community, 0) as answered_by_community,
        cast(coalesce(sum(backlog_daily.net_change) over (
            partition by days.channel, days.rule_id
            order by days.day
            rows between unbounded preceding and current row
        ), 0) as bigint) as unanswered_end_of_day
    from days
    left join created_stats
        on
            days.channel is not distinct from created_stats.channel
            and days.rule_id = created_stats.rule_id
            and days.day = created_stats.day
    left join backlog_daily
        on
            days.channel is not distinct from backlog_daily.channel
            and days.rule_id = backlog_daily.rule_id
            and days.day = backlog_daily.day
)

select * from final
