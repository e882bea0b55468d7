-- Reports how far HubSpot's own first-reply figure (first_agent_reply_date) is from the first
-- agent reply we find in the ticket's Conversations thread. HubSpot's figure is authoritative
-- when set, so this never fails the build: each returned row is a ticket where the two differ
-- by more than a minute, with the difference, for someone to look at.
{{ config(severity='warn') }}

with

tickets as (
    select * from {{ ref('stg_hubspot__tickets') }}
),

threads as (
    select * from {{ ref('stg_hubspot__threads') }}
),

agent_messages as (
    select * from {{ ref('int_hubspot_messages_classified') }}
),

first_thread_replies as (
    select
        threads.associated_ticket_id as ticket_id,
        min(agent_messages.created_at) as first_thread_reply_at
    from threads
    inner join agent_messages
        on threads.thread_id = agent_messages.thread_id
    where agent_messages.is_agent_reply
    group by threads.associated_ticket_id
),

compared as (
    select
        tickets.ticket_id,
        tickets.first_agent_reply_at as hubspot_first_reply_at,
        first_thread_replies.first_thread_reply_at,
        round(
            date_diff(
                'second', tickets.first_agent_reply_at, first_thread_replies.first_thread_reply_at
            ) / 60.0,
            1
        ) as minutes_ours_later
    from tickets
    inner join first_thread_replies
        on tickets.ticket_id = first_thread_replies.ticket_id
    where tickets.first_agent_reply_at is not null
)

select * from compared
where abs(compared.minutes_ours_later) > 1
