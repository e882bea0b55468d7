-- Thread replies on Slack requests. A reply qualifies when it is a human reply by someone other
-- than the requester; on escalations it must also come from an engineering member or an SME
-- tagged in the escalation (both inside their roster window).
with

requests as (
    select * from {{ ref('int_slack_requests_identified') }}
),

messages as (
    select * from {{ ref('int_slack_messages_classified') }}
),

replies as (
    select
        requests.request_id,
        requests.rule_id,
        requests.requester_id,
        requests.tagged_sme_user_ids,
        messages.message_id,
        messages.posted_at,
        messages.user_id,
        messages.author_name,
        messages.author_kind,
        messages.team_role,
        messages.is_human_post
    from requests
    inner join messages
        on
            requests.thread_id = messages.thread_id
            and messages.is_reply
),

classified as (
    select
        replies.request_id || '|' || replies.message_id as response_id,
        replies.request_id,
        replies.rule_id,
        'slack' as source,
        'reply' as response_type,
        replies.posted_at as responded_at,
        replies.user_id as responder_id,
        replies.author_name as responder,
        case
            when replies.author_kind = 'bot' or not replies.is_human_post then 'bot'
            when replies.user_id = replies.requester_id then 'requester'
            when replies.author_kind = 'team' then 'team'
            else 'community'
        end as responder_kind,
        replies.author_kind = 'unknown' as is_unknown_responder,
        replies.team_role,
        replies.user_id,
        replies.tagged_sme_user_ids
    from replies
),

final as (
    select
        classified.response_id,
        classified.request_id,
        classified.rule_id,
        classified.source,
        classified.response_type,
        classified.responded_at,
        classified.responder_id,
        classified.responder,
        classified.responder_kind,
        case
            when classified.rule_id = 'slack_escalation'
                then
                    classified.responder_kind = 'team'
                    and (
                        classified.team_role = 'engineering'
                        or list_contains(classified.tagged_sme_user_ids, classified.user_id)
                    )
            else classified.responder_kind in ('team', 'community')
        end as is_qualifying,
        classified.is_unknown_responder
    from classified
)

select * from final
