-- The work queue: every request unanswered as of as_of, most urgent first. Overdue requests
-- come first (most overdue first), then those with a deadline (least time left first), then
-- those without a target (oldest first).
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

unanswered as (
    select
        requests.request_id,
        requests.rule_id,
        requests.channel,
        requests.source,
        requests.requester,
        requests.title,
        requests.created_at,
        (epoch({{ as_of() }}) - epoch(requests.created_at)) / 3600.0 as age_hours,
        requests.deadline_at,
        (epoch(requests.deadline_at) - epoch({{ as_of() }})) / 3600.0 as hours_to_deadline,
        requests.sla_status,
        requests.link
    from requests
    where
        not requests.is_answered
        and requests.created_at <= {{ as_of() }}
),

final as (
    select
        unanswered.*,
        row_number() over (
            order by
                unanswered.hours_to_deadline is null,
                unanswered.hours_to_deadline,
                unanswered.created_at,
                unanswered.request_id
        ) as urgency_rank
    from unanswered
)

select * from final
