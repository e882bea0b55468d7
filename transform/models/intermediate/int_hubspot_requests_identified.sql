-- HubSpot requests: tickets in the security category (security_ack, whatever their source),
-- other tickets with source_type EMAIL (email_support), and Conversations threads from the
-- live-chat channel (live_chat). Other tickets are not requests of their own.
-- HubSpot requesters are external contacts: always community.
with

tickets as (
    select * from {{ ref('stg_hubspot__tickets') }}
),

threads as (
    select * from {{ ref('stg_hubspot__threads') }}
),

messages as (
    select * from {{ ref('stg_hubspot__messages') }}
),

settings as (
    select * from {{ ref('stg_config__settings') }}
),

-- A ticket's threads: associated by the thread, or the ticket's originating thread.
ticket_threads as (
    select distinct
        tickets.ticket_id,
        threads.thread_id,
        threads.associated_contact_id
    from tickets
    inner join threads
        on
            tickets.ticket_id = threads.associated_ticket_id
            or tickets.originating_thread_id = threads.thread_id
),

ticket_contacts as (
    select
        ticket_threads.ticket_id,
        min(ticket_threads.associated_contact_id) as contact_id
    from ticket_threads
    group by ticket_threads.ticket_id
),

ticket_requests as (
    select
        'hubspot:ticket:' || tickets.ticket_id as request_id,
        'ticket:' || tickets.ticket_id as source_record_id,
        case
            when tickets.ticket_category = settings.security_category then 'security_ack'
            when tickets.source_type = 'EMAIL' then 'email_support'
        end as rule_id,
        coalesce(lower(tickets.source_type), 'ticket') as channel,
        ticket_contacts.contact_id as requester_id,
        {{ plain_text('tickets.subject') }} as title,
        tickets.created_at,
        tickets.ticket_id,
        cast(null as varchar) as thread_id,
        tickets.first_agent_reply_at,
        tickets.owner_id,
        '{{ var("hubspot_app_url") | trim("/") }}/contacts/{{ var("hubspot_portal_id") }}'
        || '/record/0-5/' || tickets.ticket_id as link
    from tickets
    cross join settings
    left join ticket_contacts
        on tickets.ticket_id = ticket_contacts.ticket_id
    where not tickets.is_archived
),

first_visitor_messages as (
    select
        messages.thread_id,
        arg_min(messages.message_text, messages.created_at) as message_text
    from messages
    where messages.direction = 'INCOMING'
    group by messages.thread_id
),

chat_requests as (
    select
        'hubspot:thread:' || threads.thread_id as request_id,
        'thread:' || threads.thread_id as source_record_id,
        'live_chat' as rule_id,
        'chat' as channel,
        threads.associated_contact_id as requester_id,
        {{ plain_text('first_visitor_messages.message_text') }} as title,
        threads.created_at,
        cast(null as varchar) as ticket_id,
        threads.thread_id,
        cast(null as timestamptz) as first_agent_reply_at,
        cast(null as varchar) as owner_id,
        '{{ var("hubspot_app_url") | trim("/") }}/live-messages/{{ var("hubspot_portal_id") }}'
        || '/inbox/' || threads.thread_id as link
    from threads
    cross join settings
    left join first_visitor_messages
        on threads.thread_id = first_visitor_messages.thread_id
    where
        threads.original_channel_id = settings.live_chat_channel_id
        and not threads.is_spam
        and not threads.is_archived
),

unioned as (
    select * from ticket_requests
    where ticket_requests.rule_id is not null
    union all
    select * from chat_requests
),

final as (
    select
        unioned.request_id,
        unioned.source_record_id,
        unioned.rule_id,
        'hubspot' as source,
        unioned.channel,
        cast(null as varchar) as repo_group,
        unioned.requester_id,
        coalesce('contact:' || unioned.requester_id, 'unknown contact') as requester,
        'community' as requester_kind,
        unioned.title,
        unioned.created_at,
        false as is_handled,
        cast(null as boolean) as is_tagged,
        unioned.ticket_id,
        unioned.thread_id,
        unioned.first_agent_reply_at,
        unioned.owner_id,
        unioned.link
    from unioned
)

select * from final
