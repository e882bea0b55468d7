-- Slack requests: top-level human posts in monitored channels. In community channels the
-- poster must not be team staff at the time; in the escalation channel (rule
-- slack_escalation) every human post is an escalation. Bots and system subtypes never are.
with

messages as (
    select * from {{ ref('int_slack_messages_classified') }}
),

usergroups as (
    select * from {{ ref('stg_slack__usergroups') }}
),

settings as (
    select * from {{ ref('stg_config__settings') }}
),

team_members as (
    select * from {{ ref('int_team_members_windowed') }}
),

parents as (
    select *
    from messages
    where
        not messages.is_reply
        and messages.is_human_post
        and (messages.rule_id = 'slack_escalation' or messages.author_kind <> 'team')
),

handled_threads as (
    select
        messages.thread_id,
        bool_or(messages.has_handled_reaction) as is_handled
    from messages
    group by messages.thread_id
),

escalation_group_ids as (
    select usergroups.usergroup_id
    from usergroups
    inner join settings
        on usergroups.handle = settings.escalation_group_handle
),

-- SMEs (team members with an sme: duty, inside their window) mentioned in the parent.
tagged_smes as (
    select
        parents.message_id,
        list(distinct team_members.slack_user_id) as tagged_sme_user_ids
    from parents
    cross join unnest(parents.mentioned_user_ids) as mentions (mentioned_user_id)
    inner join team_members
        on
            mentions.mentioned_user_id = team_members.slack_user_id
            and team_members.is_sme
            and {{ in_roster_window('team_members', 'parents.posted_at') }}
    group by parents.message_id
),

tagged_groups as (
    select distinct parents.message_id
    from parents
    cross join unnest(parents.mentioned_usergroup_ids) as mentions (mentioned_usergroup_id)
    inner join escalation_group_ids
        on mentions.mentioned_usergroup_id = escalation_group_ids.usergroup_id
),

final as (
    select
        'slack:' || parents.message_id as request_id,
        parents.message_id as source_record_id,
        parents.rule_id,
        'slack' as source,
        parents.channel_name as channel,
        cast(null as varchar) as repo_group,
        parents.user_id as requester_id,
        parents.author_name as requester,
        parents.author_kind as requester_kind,
        {{ plain_text('parents.message_text') }} as title,
        parents.posted_at as created_at,
        coalesce(handled_threads.is_handled, false) as is_handled,
        case
            when parents.rule_id = 'slack_escalation'
                then tagged_smes.message_id is not null or tagged_groups.message_id is not null
        end as is_tagged,
        coalesce(tagged_smes.tagged_sme_user_ids, []) as tagged_sme_user_ids,
        parents.thread_id,
        '{{ var("slack_workspace_url") | trim("/") }}/archives/'
        || parents.channel_id || '/p' || replace(parents.message_ts, '.', '') as link
    from parents
    left join handled_threads
        on parents.thread_id = handled_threads.thread_id
    left join tagged_smes
        on parents.message_id = tagged_smes.message_id
    left join tagged_groups
        on parents.message_id = tagged_groups.message_id
)

select * from final
