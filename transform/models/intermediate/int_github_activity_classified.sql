-- Every GitHub item that can open or answer a request (issue or PR, issue comment, review,
-- review comment), with its author classified at that moment: bot; team when on the roster
-- inside the validity window; community when on the roster outside it (the roster wins);
-- otherwise team when an org member or author_association is OWNER/MEMBER/COLLABORATOR;
-- else community.
with

issues as (
    select * from {{ ref('stg_github__issues') }}
),

issue_comments as (
    select * from {{ ref('stg_github__issue_comments') }}
),

reviews as (
    select * from {{ ref('stg_github__reviews') }}
),

review_comments as (
    select * from {{ ref('stg_github__review_comments') }}
),

org_members as (
    select * from {{ ref('stg_github__organization_members') }}
),

team_members as (
    select * from {{ ref('int_team_members_windowed') }}
),

activity as (
    select
        'issue:' || issues.issue_id as activity_id,
        case when issues.is_pull_request then 'pull_request' else 'issue' end as activity_type,
        issues.repo_full_name,
        issues.issue_number,
        issues.created_at as activity_at,
        issues.html_url,
        issues.title,
        issues.author_login,
        issues.author_association,
        issues.is_bot_author
    from issues
    union all
    select
        'comment:' || issue_comments.comment_id as activity_id,
        'comment' as activity_type,
        issue_comments.repo_full_name,
        issue_comments.issue_number,
        issue_comments.created_at as activity_at,
        issue_comments.html_url,
        null as title,
        issue_comments.author_login,
        issue_comments.author_association,
        issue_comments.is_bot_author
    from issue_comments
    union all
    select
        'review:' || reviews.review_id as activity_id,
        'review' as activity_type,
        reviews.repo_full_name,
        reviews.pull_number as issue_number,
        reviews.submitted_at as activity_at,
        reviews.html_url,
        null as title,
        reviews.author_login,
        reviews.author_association,
        reviews.is_bot_author
    from reviews
    -- A pending review is not visible to anyone but its author.
    where reviews.submitted_at is not null
    union all
    select
        'review_comment:' || review_comments.review_comment_id as activity_id,
        'review_comment' as activity_type,
        review_comments.repo_full_name,
        review_comments.pull_number as issue_number,
        review_comments.created_at as activity_at,
        review_comments.html_url,
        null as title,
        review_comments.author_login,
        review_comments.author_association,
        review_comments.is_bot_author
    from review_comments
),

roster_logins as (
    select distinct team_members.github_login
    from team_members
    where team_members.github_login is not null
),

member_logins as (
    select distinct lower(org_members.login) as login
    from org_members
),

matched as (
    select
        activity.*,
        roster_now.person as team_person,
        roster_logins.github_login is not null as is_on_roster,
        member_logins.login is not null as is_org_member
    from activity
    left join team_members as roster_now
        on
            lower(activity.author_login) = roster_now.github_login
            and {{ in_roster_window('roster_now', 'activity.activity_at') }}
    left join roster_logins
        on lower(activity.author_login) = roster_logins.github_login
    left join member_logins
        on lower(activity.author_login) = member_logins.login
    qualify row_number() over (
        partition by activity.activity_id order by roster_now.valid_from_at desc
    ) = 1
),

final as (
    select
        matched.activity_id,
        matched.activity_type,
        matched.repo_full_name,
        matched.issue_number,
        matched.activity_at,
        matched.html_url,
        matched.title,
        matched.author_login,
        coalesce(matched.team_person, matched.author_login) as author_name,
        matched.author_association,
        case
            when matched.is_bot_author then 'bot'
            when matched.team_person is not null then 'team'
            when matched.is_on_roster then 'community'
            when matched.is_org_member then 'team'
            when matched.author_association in ('OWNER', 'MEMBER', 'COLLABORATOR') then 'team'
            else 'community'
        end as author_kind,
        -- Counted as team without being on the roster: the roster should be fixed.
        not matched.is_bot_author
        and not matched.is_on_roster
        and (
            matched.is_org_member
            or matched.author_association in ('OWNER', 'MEMBER', 'COLLABORATOR')
        ) as is_off_roster_team
    from matched
)

select * from final
