-- Live-chat routing: a chat is pre-sales when the ticket associated with its thread has a
-- pre-sales category (a chat without a ticket is not); pre-sales chats belong to the team
-- member with duty presales_owner, all others to the one with live_chat_owner (whoever holds
-- the duty when the chat starts). The assignee `A-<userId>` maps through the HubSpot owners to
-- an owner id and the roster.
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

threads as (
    select * from {{ ref('stg_hubspot__threads') }}
),

tickets as (
    select * from {{ ref('stg_hubspot__tickets') }}
),

owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

team_members as (
    select * from {{ ref('int_team_members_windowed') }}
),

settings as (
    select * from {{ ref('stg_config__settings') }}
),

chats as (
    select
        requests.request_id,
        requests.created_at,
        requests.title,
        requests.link,
        threads.thread_id,
        threads.assigned_to_actor_id as assigned_actor_id,
        threads.assigned_user_id,
        tickets.ticket_id,
        tickets.ticket_category,
        coalesce(list_contains(settings.presales_categories, tickets.ticket_category), false)
            as is_presales
    from requests
    inner join threads
        on requests.source_record_id = 'thread:' || threads.thread_id
    cross join settings
    left join tickets
        on threads.associated_ticket_id = tickets.ticket_id
    where requests.rule_id = 'live_chat'
),

expected_owners as (
    select
        chats.request_id,
        list(distinct team_members.person order by team_members.person) as expected_people,
        list(distinct team_members.hubspot_owner_id order by team_members.hubspot_owner_id)
            as expected_owner_ids
    from chats
    inner join team_members
        on
            team_members.hubspot_owner_id is not null
            and {{ in_roster_window('team_members', 'chats.created_at') }}
            and (
                (chats.is_presales and team_members.is_presales_owner)
                or (not chats.is_presales and team_members.is_live_chat_owner)
            )
    group by chats.request_id
),

assignees as (
    select
        chats.request_id,
        owners.owner_id as assigned_owner_id,
        coalesce(any_value(team_members.person), any_value(owners.owner_name))
            as assigned_to
    from chats
    inner join owners
        on chats.assigned_user_id = owners.owner_user_id
    left join team_members
        on
            owners.owner_id = team_members.hubspot_owner_id
            and {{ in_roster_window('team_members', 'chats.created_at') }}
    group by chats.request_id, owners.owner_id
),

final as (
    select
        chats.request_id,
        chats.thread_id,
        chats.created_at,
        chats.title,
        chats.ticket_id,
        chats.ticket_category,
        chats.is_presales,
        case when chats.is_presales then 'presales_owner' else 'live_chat_owner' end
            as expected_duty,
        array_to_string(expected_owners.expected_people, ', ') as expected_owner,
        coalesce(expected_owners.expected_owner_ids, []) as expected_owner_ids,
        chats.assigned_actor_id,
        assignees.assigned_owner_id,
        coalesce(assignees.assigned_to, chats.assigned_actor_id) as assigned_to,
        chats.assigned_actor_id is not null as is_assigned,
        coalesce(
            list_contains(expected_owners.expected_owner_ids, assignees.assigned_owner_id),
            false
        ) as is_routed_correctly,
        chats.link
    from chats
    left join expected_owners
        on chats.request_id = expected_owners.request_id
    left join assignees
        on chats.request_id = assignees.request_id
)

select * from final
