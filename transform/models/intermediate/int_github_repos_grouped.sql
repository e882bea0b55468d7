-- Each repository seen in the GitHub data with its repo group: the first configured pattern
-- (file order) whose glob matches `owner/name`, case-insensitively. Unmatched repos are absent.
with

repositories as (
    select * from {{ ref('stg_github__repositories') }}
),

issues as (
    select * from {{ ref('stg_github__issues') }}
),

repo_groups as (
    select * from {{ ref('stg_config__github_repo_groups') }}
),

repo_names as (
    select repositories.repo_full_name from repositories
    union
    select issues.repo_full_name from issues
),

grouped as (
    select
        repo_names.repo_full_name,
        repo_groups.repo_group,
        repo_groups.repo_pattern
    from repo_names
    inner join repo_groups
        on lower(repo_names.repo_full_name) glob lower(repo_groups.repo_pattern)
    qualify row_number() over (
        partition by repo_names.repo_full_name order by repo_groups.pattern_order
    ) = 1
)

select * from grouped
