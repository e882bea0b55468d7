-- The team roster: one row per person and validity window (dates in the team time zone,
-- valid_to inclusive, empty = still here).
with

source as (
    select * from {{ ref('team_members') }}
),

renamed as (
    select
        trim(source.person) as person,
        lower(trim(source.role)) as role,
        nullif(trim(source.slack_user_id), '') as slack_user_id,
        nullif(lower(trim(source.github_login)), '') as github_login,
        nullif(trim(source.hubspot_owner_id), '') as hubspot_owner_id,
        {{ split_list('source.duties') }} as duties,
        list_transform(
            list_filter({{ split_list('source.duties') }}, duty -> starts_with(duty, 'sme:')),
            duty -> substr(duty, 5)
        ) as sme_topics,
        len(
            list_filter({{ split_list('source.duties') }}, duty -> starts_with(duty, 'sme:'))
        ) > 0 as is_sme,
        list_contains({{ split_list('source.duties') }}, 'live_chat_owner') as is_live_chat_owner,
        list_contains({{ split_list('source.duties') }}, 'presales_owner') as is_presales_owner,
        source.valid_from,
        source.valid_to
    from source
)

select * from renamed
