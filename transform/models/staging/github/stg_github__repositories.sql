with

source as (
    select * from {{ source('github', 'repositories') }}
),

renamed as (
    select
        source.id as repo_id,
        source.org,
        coalesce(source.repo, source.name) as repo_name,
        coalesce(source.full_name, source.org || '/' || coalesce(source.repo, source.name))
            as repo_full_name,
        source.html_url,
        coalesce(source.archived, false) as is_archived,
        coalesce(source.fork, false) as is_fork
    from source
)

select * from renamed
