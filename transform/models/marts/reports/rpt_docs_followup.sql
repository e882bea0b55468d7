-- Slack requests whose thread (parent and every reply) mentions docs, by the configured
-- keywords (case-insensitive substring, so a docs URL matches its host name), and whether the
-- thread links a GitHub issue or pull request (`/issues/N` or `/pull/N`) as the follow-up.
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

messages as (
    select * from {{ ref('int_slack_messages_classified') }}
),

settings as (
    select * from {{ ref('stg_config__settings') }}
),

slack_requests as (
    select requests.*
    from requests
    where requests.source = 'slack'
),

thread_texts as (
    select
        messages.thread_id,
        string_agg(messages.message_text, chr(10) order by messages.posted_at) as thread_text
    from messages
    -- What the thread said by as_of, so that a fixed as_of gives the same answer.
    where messages.posted_at <= {{ as_of() }}
    group by messages.thread_id
),

threads_scanned as (
    select
        thread_texts.thread_id,
        list_filter(
            settings.docs_keywords, keyword -> contains(lower(thread_texts.thread_text), keyword)
        ) as matched_keywords,
        list_sort(list_distinct(regexp_extract_all(
            thread_texts.thread_text,
            'https?://(?:www\.)?github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/(?:issues|pull)/[0-9]+'
        ))) as github_links
    from thread_texts
    cross join settings
),

final as (
    select
        slack_requests.request_id,
        slack_requests.rule_id,
        slack_requests.channel,
        slack_requests.requester,
        slack_requests.title,
        slack_requests.created_at,
        slack_requests.is_answered,
        threads_scanned.matched_keywords,
        len(threads_scanned.github_links) > 0 as has_github_link,
        threads_scanned.github_links,
        slack_requests.link
    from slack_requests
    inner join threads_scanned
        on slack_requests.source_record_id = threads_scanned.thread_id
    where len(threads_scanned.matched_keywords) > 0
)

select * from final
