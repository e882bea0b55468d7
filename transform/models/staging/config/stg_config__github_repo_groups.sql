-- Repo patterns in file order: the first pattern that matches a repository decides its group.
with

source as (
    select
        seed.*,
        -- Seeds are loaded with COPY from the CSV, so rowid is the line order of the file.
        seed.rowid as pattern_order
    from {{ ref('github_repo_groups') }} as seed
),

renamed as (
    select
        trim(source.repo_pattern) as repo_pattern,
        trim(source.repo_group) as repo_group,
        cast(source.pattern_order as integer) + 1 as pattern_order
    from source
)

select * from renamed
