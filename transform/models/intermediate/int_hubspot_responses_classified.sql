-- Outgoing agent and bot messages on HubSpot requests (a ticket's associated threads, a chat's
-- own thread), plus, for a ticket whose first_agent_reply_date no message explains, that
-- reply itself. Qualifying: an agent reply at or after the request, and for a ticket with
-- first_agent_reply_date at or after it (HubSpot's own field wins; messages only fill in
-- when it is empty).
with

requests as (
    select * from {{ ref('int_hubspot_requests_identified') }}
),

threads as (
    select * from {{ ref('stg_hubspot__threads') }}
),

tickets as (
    select * from {{ ref('stg_hubspot__tickets') }}
),

messages as (
    select * from {{ ref('int_hubspot_messages_classified') }}
),

owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

team_members as (
    select * from {{ ref('int_team_members_windowed') }}
),

roster_owner_ids as (
    select distinct team_members.hubspot_owner_id
    from team_members
    where team_members.hubspot_owner_id is not null
),

request_threads as (
    select distinct
        requests.request_id,
        threads.thread_id
    from requests
    inner join tickets
        on requests.ticket_id = tickets.ticket_id
    inner join threads
        on
            tickets.ticket_id = threads.associated_ticket_id
            or tickets.originating_thread_id = threads.thread_id
    union
    select
        requests.request_id,
        requests.thread_id
    from requests
    where requests.thread_id is not null
),

message_responses as (
    select
        requests.request_id || '|message:' || messages.message_id as response_id,
        requests.request_id,
        requests.rule_id,
        'agent_message' as response_type,
        messages.created_at as responded_at,
        messages.sender_actor_id as responder_id,
        messages.sender_name as responder,
        messages.sender_kind as responder_kind,
        messages.is_agent_reply
        and messages.created_at >= requests.created_at
        and (
            requests.first_agent_reply_at is null
            or messages.created_at >= requests.first_agent_reply_at
        ) as is_qualifying,
        messages.is_unknown_sender as is_unknown_responder
    from requests
    inner join request_threads
        on requests.request_id = request_threads.request_id
    inner join messages
        on request_threads.thread_id = messages.thread_id
),

-- HubSpot's first_agent_reply_date, credited to the ticket owner.
recorded_first_replies as (
    select
        requests.request_id || '|first_agent_reply_date' as response_id,
        requests.request_id,
        requests.rule_id,
        'first_agent_reply_date' as response_type,
        requests.first_agent_reply_at as responded_at,
        requests.owner_id as responder_id,
        coalesce(team_members.person, owners.owner_name, requests.owner_id, 'unknown agent')
            as responder,
        {{ hubspot_agent_kind('team_members.person', 'roster_owner.hubspot_owner_id') }}
            as responder_kind,
        requests.first_agent_reply_at >= requests.created_at as is_qualifying,
        roster_owner.hubspot_owner_id is null as is_unknown_responder
    from requests
    left join owners
        on requests.owner_id = owners.owner_id
    left join team_members
        on
            requests.owner_id = team_members.hubspot_owner_id
            and {{ in_roster_window('team_members', 'requests.first_agent_reply_at') }}
    left join roster_owner_ids as roster_owner
        on requests.owner_id = roster_owner.hubspot_owner_id
    where
        requests.first_agent_reply_at is not null
        and not exists (
            select 1
            from message_responses
            where
                message_responses.request_id = requests.request_id
                and message_responses.is_qualifying
                and message_responses.responded_at = requests.first_agent_reply_at
        )
    qualify row_number() over (
        partition by requests.request_id order by team_members.valid_from_at desc
    ) = 1
),

final as (
    select
        *,
        'hubspot' as source
    from message_responses
    union all by name
    select
        *,
        'hubspot' as source
    from recorded_first_replies
)

select * from final
