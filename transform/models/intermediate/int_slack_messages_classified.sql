-- Every message (parents and replies) of the monitored Slack channels, with its author
-- classified at the moment of posting: bot, team (on the roster inside the validity window),
-- community (a known workspace user) or unknown (a user id missing from users.list).
with

messages as (
    select * from {{ ref('stg_slack__messages') }}
),

thread_replies as (
    select * from {{ ref('stg_slack__thread_replies') }}
),

channels as (
    select * from {{ ref('stg_slack__channels') }}
),

monitored_channels as (
    select * from {{ ref('stg_config__slack_channels') }}
),

users as (
    select * from {{ ref('stg_slack__users') }}
),

team_members as (
    select * from {{ ref('int_team_members_windowed') }}
),

-- A thread_broadcast reply is in both tables: keep one copy, preferring the thread's.
all_messages as (
    select
        *,
        1 as source_priority
    from thread_replies
    union all by name
    select
        *,
        2 as source_priority
    from messages
),

deduplicated as (
    select * exclude (source_priority)  -- noqa: RF03
    from all_messages
    qualify
        row_number() over (
            partition by all_messages.message_id order by all_messages.source_priority
        ) = 1
),

classified as (
    select
        deduplicated.message_id,
        deduplicated.thread_id,
        deduplicated.channel_id,
        channels.channel_name,
        monitored_channels.rule_id,
        deduplicated.message_ts,
        deduplicated.thread_ts,
        deduplicated.is_reply,
        deduplicated.posted_at,
        deduplicated.subtype,
        deduplicated.user_id,
        deduplicated.bot_id,
        deduplicated.message_text,
        deduplicated.reaction_names,
        deduplicated.mentioned_user_ids,
        deduplicated.mentioned_usergroup_ids,
        list_has_any(deduplicated.reaction_names, {{ string_list_literal(var('handled_reactions')) }})
            as has_handled_reaction,
        deduplicated.bot_id is not null
        or starts_with(coalesce(deduplicated.subtype, ''), 'bot_')
        or coalesce(users.is_bot, false) as is_bot,
        team_members.person as team_person,
        team_members.role as team_role,
        coalesce(team_members.is_sme, false) as is_sme,
        coalesce(team_members.person, users.display_name, deduplicated.user_id) as author_name,
        users.user_id is not null as is_known_user
    from deduplicated
    inner join channels
        on deduplicated.channel_id = channels.channel_id
    inner join monitored_channels
        on channels.channel_name = monitored_channels.channel_name
    left join users
        on deduplicated.user_id = users.user_id
    left join team_members
        on
            deduplicated.user_id = team_members.slack_user_id
            and {{ in_roster_window('team_members', 'deduplicated.posted_at') }}
    -- Overlapping roster rows for one account would duplicate the message: keep one.
    qualify row_number() over (
        partition by deduplicated.message_id order by team_members.valid_from_at desc
    ) = 1
),

final as (
    select
        classified.*,
        case
            when classified.is_bot then 'bot'
            when classified.team_person is not null then 'team'
            when not classified.is_known_user then 'unknown'
            else 'community'
        end as author_kind,
        not classified.is_bot
        and classified.user_id is not null
        and (classified.subtype is null or classified.subtype in {{ slack_human_subtypes() }})
            as is_human_post
    from classified
)

select * from final
