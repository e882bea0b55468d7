-- Issues and pull requests (GitHub's issues endpoint returns both).
with

source as (
    select * from {{ source('github', 'issues') }}
),

renamed as (
    select
        source.id as issue_id,
        source.repo_id,
        source.org,
        source.repo as repo_name,
        source.org || '/' || source.repo as repo_full_name,
        source.number as issue_number,
        coalesce(source.type = 'pull_request' or source.pull_request is not null, false)
            as is_pull_request,
        source.title,
        source.body,
        source.state,
        source.html_url,
        source.created_at,
        source.closed_at,
        {{ github_author_columns('source') }}
    from source
)

select * from renamed
