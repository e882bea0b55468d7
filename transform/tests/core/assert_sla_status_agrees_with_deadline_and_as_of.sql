-- sla_status follows from deadline_at, first_response_at and as_of (metrics.md definitions).
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

expected as (
    select
        requests.request_id,
        requests.sla_status,
        case
            when requests.deadline_at is null then 'no_sla'
            when requests.first_response_at is not null
                then if(requests.first_response_at <= requests.deadline_at, 'met', 'breached')
            when requests.deadline_at < {{ as_of() }} then 'breached'
            else 'pending'
        end as expected_status,
    from requests
)

select *
from expected
where expected.sla_status <> expected.expected_status
