-- Answered Slack requests whose thread carries no handled mark (✅ on the parent or a reply):
-- the thread was answered but nobody marked it covered, a process gap to fix.
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

final as (
    select
        requests.request_id,
        requests.rule_id,
        requests.channel,
        requests.requester,
        requests.title,
        requests.created_at,
        requests.first_response_at,
        requests.first_responder,
        requests.first_responder_kind,
        requests.sla_status,
        requests.link
    from requests
    where
        requests.source = 'slack'
        and requests.is_answered
        and not requests.is_handled
)

select * from final
