-- One row describing this build: the instant the models were evaluated at, when it was built,
-- and the span of the requests it saw.
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

request_span as (
    select
        min(requests.created_at) as first_request_at,
        max(requests.created_at) as last_request_at,
        count(*) as requests
    from requests
),

final as (
    select
        {{ as_of() }} as as_of,
        -- The moment this table is written, i.e. when the marts were built.
        now() as built_at,
        request_span.first_request_at,
        request_span.last_request_at,
        request_span.requests
    from request_span
)

select * from final
