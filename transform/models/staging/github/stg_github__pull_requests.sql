with

source as (
    select * from {{ source('github', 'pull_requests') }}
),

renamed as (
    select
        source.id as pull_request_id,
        source.repo_id,
        source.org,
        source.repo as repo_name,
        source.org || '/' || source.repo as repo_full_name,
        source.number as pull_number,
        source.title,
        source.state,
        coalesce(source.draft, false) as is_draft,
        source.html_url,
        source.created_at,
        source.merged_at,
        source.closed_at,
        source.base -> 'repo' ->> 'full_name' as base_repo_full_name,
        {{ github_author_columns('source') }}
    from source
)

select * from renamed
