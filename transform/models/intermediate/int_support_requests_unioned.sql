-- Requests of all sources in one shape, limited to those created by as_of.
with

slack_requests as (
    select * from {{ ref('int_slack_requests_identified') }}
),

github_requests as (
    select * from {{ ref('int_github_requests_identified') }}
),

hubspot_requests as (
    select * from {{ ref('int_hubspot_requests_identified') }}
),

{%- set columns = [
    'request_id', 'source_record_id', 'rule_id', 'source', 'channel', 'repo_group',
    'requester_id', 'requester', 'requester_kind', 'title', 'created_at', 'is_handled',
    'is_tagged', 'link',
] %}

unioned as (
    select {{ columns | join(', ') }} from slack_requests
    union all
    select {{ columns | join(', ') }} from github_requests
    union all
    select {{ columns | join(', ') }} from hubspot_requests
),

final as (
    select *
    from unioned
    where unioned.created_at <= {{ as_of() }}
)

select * from final
