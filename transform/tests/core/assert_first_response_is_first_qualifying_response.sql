-- A request's first response is exactly the earliest qualifying row of fct_responses, and an
-- answered request has one.
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

responses as (
    select * from {{ ref('fct_responses') }}
),

first_qualifying as (
    select
        responses.request_id,
        min(responses.responded_at) as first_qualifying_at,
        count(*) filter (where responses.is_first_response) as first_rows,
    from responses
    where responses.is_qualifying
    group by responses.request_id
)

select
    requests.request_id,
    requests.first_response_at,
    first_qualifying.first_qualifying_at,
    first_qualifying.first_rows,
from requests
left join first_qualifying
    on requests.request_id = first_qualifying.request_id
where
    requests.first_response_at is distinct from first_qualifying.first_qualifying_at
    or coalesce(first_qualifying.first_rows, 0) <> cast(requests.is_answered as integer)
