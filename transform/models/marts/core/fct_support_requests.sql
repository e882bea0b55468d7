-- One row per support request, evaluated at as_of: rule, target, first qualifying response,
-- response times (calendar and business hours), deadline and SLA status.
with

requests as (
    select * from {{ ref('int_support_requests_unioned') }}
),

responses as (
    select * from {{ ref('fct_responses') }}
),

process_rules as (
    select * from {{ ref('stg_config__process_rules') }}
),

first_responses as (
    select
        responses.request_id,
        responses.responded_at,
        responses.responder,
        responses.responder_kind
    from responses
    where responses.is_first_response
),

joined as (
    select
        requests.request_id,
        requests.source_record_id,
        requests.rule_id,
        coalesce(process_rules.target_kind, 'none') as target_kind,
        process_rules.target_value,
        requests.source,
        requests.channel,
        requests.repo_group,
        requests.requester,
        requests.requester_kind,
        requests.title,
        requests.created_at,
        first_responses.responded_at as first_response_at,
        first_responses.responder as first_responder,
        first_responses.responder_kind as first_responder_kind,
        requests.is_handled,
        requests.is_tagged,
        requests.link
    from requests
    left join process_rules
        on requests.rule_id = process_rules.rule_id
    left join first_responses
        on requests.request_id = first_responses.request_id
),

timed as (
    select
        joined.*,
        (epoch(joined.first_response_at) - epoch(joined.created_at)) / 3600.0 as response_hours,
        {{ business_minutes_between('joined.created_at', 'joined.first_response_at') }} / 60.0
            as response_business_hours,
        {{ business_deadline('joined.created_at', 'joined.target_kind', 'joined.target_value') }}
            as deadline_at
    from joined
),

final as (
    select
        timed.request_id,
        timed.source_record_id,
        timed.rule_id,
        timed.target_kind,
        timed.target_value,
        timed.source,
        timed.channel,
        timed.repo_group,
        timed.requester,
        timed.requester_kind,
        timed.title,
        timed.created_at,
        timed.first_response_at,
        timed.first_responder,
        timed.first_responder_kind,
        timed.response_hours,
        timed.response_business_hours,
        timed.deadline_at,
        case
            when timed.deadline_at is null then 'no_sla'
            when timed.first_response_at <= timed.deadline_at then 'met'
            when timed.first_response_at > timed.deadline_at then 'breached'
            when timed.deadline_at < {{ as_of() }} then 'breached'
            else 'pending'
        end as sla_status,
        timed.first_response_at is not null as is_answered,
        timed.is_handled,
        timed.is_tagged,
        timed.link
    from timed
)

select * from final
