-- Outgoing Conversations messages (internal COMMENT notes excluded), with the sender resolved:
-- an agent actor `A-<userId>` maps to the owner with that user id and through the owner id to
-- the roster; `B-` actors are bots. An agent reply is an outgoing MESSAGE from an agent.
with

messages as (
    select * from {{ ref('stg_hubspot__messages') }}
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

outgoing as (
    select *
    from messages
    where
        messages.direction = 'OUTGOING'
        and messages.message_type is distinct from 'COMMENT'
),

resolved as (
    select
        outgoing.message_id,
        outgoing.thread_id,
        outgoing.created_at,
        outgoing.message_type,
        outgoing.sender_actor_id,
        outgoing.sender_actor_type,
        owners.owner_id,
        coalesce(team_members.person, owners.owner_name, outgoing.sender_actor_id) as sender_name,
        case
            when outgoing.sender_actor_type = 'A'
                then {{ hubspot_agent_kind('team_members.person', 'roster_owner_ids.hubspot_owner_id') }}
            else 'bot'
        end as sender_kind,
        outgoing.sender_actor_type = 'A' and roster_owner_ids.hubspot_owner_id is null
            as is_unknown_sender,
        outgoing.sender_actor_type = 'A' and outgoing.message_type = 'MESSAGE' as is_agent_reply
    from outgoing
    left join owners
        on outgoing.sender_user_id = owners.owner_user_id
    left join team_members
        on
            owners.owner_id = team_members.hubspot_owner_id
            and {{ in_roster_window('team_members', 'outgoing.created_at') }}
    left join roster_owner_ids
        on owners.owner_id = roster_owner_ids.hubspot_owner_id
    qualify row_number() over (
        partition by outgoing.message_id order by team_members.valid_from_at desc
    ) = 1
)

select * from resolved
