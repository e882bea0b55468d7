-- Escalations (#support posts, rule slack_escalation): whether each names someone who can act
-- (an SME or the engineering user group) and how long engineering took to reply. The
-- qualifying reply of this rule is the first by an engineering member or a tagged SME.
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

final as (
    select
        requests.request_id,
        requests.channel,
        requests.requester,
        requests.requester_kind,
        requests.title,
        requests.created_at,
        requests.is_tagged,
        requests.is_answered,
        requests.first_response_at as engineering_reply_at,
        requests.first_responder as engineering_responder,
        requests.response_hours as hours_to_engineering_reply,
        requests.response_business_hours as business_hours_to_engineering_reply,
        requests.deadline_at,
        requests.sla_status,
        requests.is_handled,
        requests.link
    from requests
    where requests.rule_id = 'slack_escalation'
)

select * from final
