-- Responses of all sources in one shape: those on requests created by as_of and themselves
-- posted by as_of (a later reply did not exist yet at as_of).
with

requests as (
    select * from {{ ref('int_support_requests_unioned') }}
),

slack_responses as (
    select * from {{ ref('int_slack_responses_classified') }}
),

github_responses as (
    select * from {{ ref('int_github_responses_classified') }}
),

hubspot_responses as (
    select * from {{ ref('int_hubspot_responses_classified') }}
),

{%- set columns = [
    'response_id', 'request_id', 'rule_id', 'source', 'response_type', 'responded_at',
    'responder_id', 'responder', 'responder_kind', 'is_qualifying', 'is_unknown_responder',
] %}

unioned as (
    select {{ columns | join(', ') }} from slack_responses
    union all
    select {{ columns | join(', ') }} from github_responses
    union all
    select {{ columns | join(', ') }} from hubspot_responses
),

final as (
    select unioned.*
    from unioned
    inner join requests
        on unioned.request_id = requests.request_id
    where unioned.responded_at <= {{ as_of() }}
)

select * from final
