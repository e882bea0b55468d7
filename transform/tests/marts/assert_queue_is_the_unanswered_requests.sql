-- rpt_queue holds exactly the requests created by as_of whose is_answered is false (none met,
-- none missing, none extra), ranked 1..n without gaps, and the backlog that agg_coverage_daily
-- reports for as_of's day equals the queue per channel and rule. Returns every violation.
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

queue as (
    select * from {{ ref('rpt_queue') }}
),

daily as (
    select * from {{ ref('agg_coverage_daily') }}
),

settings as (
    select * from {{ ref('stg_config__settings') }}
),

unanswered as (
    select requests.request_id
    from requests
    where
        not requests.is_answered
        and requests.created_at <= {{ as_of() }}
),

membership_violations as (
    select
        coalesce(unanswered.request_id, queue.request_id) as subject,
        case
            when queue.request_id is null then 'unanswered request missing from the queue'
            else 'queue row that is not an unanswered request'
        end as violation
    from unanswered
    full outer join queue
        on unanswered.request_id = queue.request_id
    where unanswered.request_id is null or queue.request_id is null
),

status_violations as (
    select
        queue.request_id as subject,
        'queued request with status ' || queue.sla_status as violation
    from queue
    where queue.sla_status not in ('breached', 'pending', 'no_sla')
),

rank_violations as (
    select
        'urgency_rank' as subject,
        'ranks are not 1..n' as violation
    from queue
    having count(*) > 0 and (min(queue.urgency_rank) <> 1 or max(queue.urgency_rank) <> count(*))
),

queue_by_channel as (
    select
        queue.channel,
        queue.rule_id,
        count(*) as queued
    from queue
    group by queue.channel, queue.rule_id
),

backlog_on_as_of_day as (
    select
        daily.channel,
        daily.rule_id,
        daily.unanswered_end_of_day
    from daily
    cross join settings
    where daily.day = cast(timezone(settings.team_timezone, {{ as_of() }}) as date)
),

backlog_violations as (
    select
        coalesce(backlog_on_as_of_day.channel, queue_by_channel.channel, '')
        || ' / ' || coalesce(backlog_on_as_of_day.rule_id, queue_by_channel.rule_id) as subject,
        'backlog on as_of day ' || coalesce(backlog_on_as_of_day.unanswered_end_of_day, 0)
        || ' <> queue ' || coalesce(queue_by_channel.queued, 0) as violation
    from backlog_on_as_of_day
    full outer join queue_by_channel
        on
            backlog_on_as_of_day.channel is not distinct from queue_by_channel.channel
            and backlog_on_as_of_day.rule_id = queue_by_channel.rule_id
    where
        coalesce(backlog_on_as_of_day.unanswered_end_of_day, 0)
        <> coalesce(queue_by_channel.queued, 0)
),

final as (
    select * from membership_violations
    union all
    select * from status_violations
    union all
    select * from rank_violations
    union all
    select * from backlog_violations
)

select * from final
