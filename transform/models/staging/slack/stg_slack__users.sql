with

source as (
    select * from {{ source('slack', 'users') }}
),

renamed as (
    select
        source.id as user_id,
        source.name as user_name,
        coalesce(
            nullif(source.real_name, ''),
            nullif(source.profile ->> 'real_name', ''),
            nullif(source.profile ->> 'display_name', ''),
            source.name
        ) as display_name,
        nullif(source.real_name, '') as real_name,
        -- Slackbot is a bot even though users.list reports is_bot false for it.
        coalesce(source.is_bot, false)
        or coalesce(source.is_app_user, false)
        or source.id = 'USLACKBOT' as is_bot,
        coalesce(source.deleted, false) as is_deleted,
        source.tz as user_timezone
    from source
)

select * from renamed
