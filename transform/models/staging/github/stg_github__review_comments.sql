with

source as (
    select * from {{ source('github', 'review_comments') }}
),

renamed as (
    select
        source.id as review_comment_id,
        source.pull_request_review_id as review_id,
        source.in_reply_to_id,
        source.repo_id,
        source.org,
        source.repo as repo_name,
        source.org || '/' || source.repo as repo_full_name,
        try_cast(regexp_extract(source.pull_request_url, '/pulls/([0-9]+)$', 1) as bigint)
            as pull_number,
        source.body,
        source.html_url,
        source.created_at,
        {{ github_author_columns('source') }}
    from source
)

select * from renamed
