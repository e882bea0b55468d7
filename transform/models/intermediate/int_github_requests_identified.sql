-- GitHub requests: issues and PRs opened by a non-bot, non-team author in a repository with
-- a repo group; meltano_project repos follow github_community_24h, singer_ecosystem repos
-- github_singer_ecosystem.
with

activity as (
    select * from {{ ref('int_github_activity_classified') }}
),

repos as (
    select * from {{ ref('int_github_repos_grouped') }}
),

final as (
    select
        'github:' || activity.html_url as request_id,
        activity.html_url as source_record_id,
        case repos.repo_group
            when 'meltano_project' then 'github_community_24h'
            when 'singer_ecosystem' then 'github_singer_ecosystem'
        end as rule_id,
        'github' as source,
        activity.repo_full_name as channel,
        repos.repo_group,
        activity.author_login as requester_id,
        activity.author_name as requester,
        activity.author_kind as requester_kind,
        {{ plain_text('activity.title') }} as title,
        activity.activity_at as created_at,
        false as is_handled,
        cast(null as boolean) as is_tagged,
        activity.repo_full_name,
        activity.issue_number,
        activity.html_url as link
    from activity
    inner join repos
        on activity.repo_full_name = repos.repo_full_name
    where
        activity.activity_type in ('issue', 'pull_request')
        and activity.author_kind = 'community'
)

select * from final
