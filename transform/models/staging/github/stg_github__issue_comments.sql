with

source as (
    select * from {{ source('github', 'issue_comments') }}
),

numbered as (
    select
        source.*,
        coalesce(
            source.issue_number,
            try_cast(regexp_extract(source.issue_url, '/issues/([0-9]+)$', 1) as bigint)
        ) as parsed_issue_number
    from source
),

renamed as (
    select
        source.id as comment_id,
        source.repo_id,
        source.org,
        source.repo as repo_name,
        source.org || '/' || source.repo as repo_full_name,
        source.parsed_issue_number as issue_number,
        source.body,
        -- The tap's comment schema has no html_url; GitHub's comment URL is built from its parts
        -- (an issue URL also resolves for a pull request).
        'https://github.com/' || source.org || '/' || source.repo || '/issues/'
        || source.parsed_issue_number || '#issuecomment-' || source.id as html_url,
        source.created_at,
        {{ github_author_columns('source') }}
    from numbered as source
)

select * from renamed
