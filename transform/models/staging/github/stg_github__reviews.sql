with

source as (
    select * from {{ source('github', 'reviews') }}
),

renamed as (
    select
        source.id as review_id,
        source.pull_id as pull_request_id,
        source.repo_id,
        source.org,
        source.repo as repo_name,
        source.org || '/' || source.repo as repo_full_name,
        coalesce(
            source.pull_number,
            try_cast(regexp_extract(source.pull_request_url, '/pulls/([0-9]+)$', 1) as bigint)
        ) as pull_number,
        upper(source.state) as review_state,
        source.body,
        source.html_url,
        -- Pending (unsubmitted) reviews have no submitted_at.
        source.submitted_at,
        {{ github_author_columns('source') }}
    from source
)

select * from renamed
