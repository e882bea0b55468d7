-- Comments, reviews and review comments on GitHub requests. Qualifying: by team staff (which
-- includes org members) other than the author; bots never.
with

requests as (
    select * from {{ ref('int_github_requests_identified') }}
),

activity as (
    select * from {{ ref('int_github_activity_classified') }}
),

final as (
    select
        requests.request_id || '|' || activity.activity_id as response_id,
        requests.request_id,
        requests.rule_id,
        'github' as source,
        activity.activity_type as response_type,
        activity.activity_at as responded_at,
        activity.author_login as responder_id,
        activity.author_name as responder,
        case
            when activity.author_kind = 'bot' then 'bot'
            when lower(activity.author_login) = lower(requests.requester_id) then 'requester'
            else activity.author_kind
        end as responder_kind,
        activity.is_off_roster_team as is_unknown_responder
    from requests
    inner join activity
        on
            requests.repo_full_name = activity.repo_full_name
            and requests.issue_number = activity.issue_number
            and activity.activity_type in ('comment', 'review', 'review_comment')
),

qualified as (
    select
        final.*,
        final.responder_kind = 'team' as is_qualifying
    from final
)

select * from qualified
