-- The one-row team settings, lists split and clock times parsed.
with

source as (
    select * from {{ ref('settings') }}
),

renamed as (
    select
        trim(source.timezone) as team_timezone,
        cast(trim(source.workday_start) as time) as workday_start,
        cast(trim(source.workday_end) as time) as workday_end,
        {{ split_list('source.workdays') }} as workdays,
        -- ISO day numbers (Mon = 1) of the workdays, for date arithmetic.
        list_transform(
            {{ split_list('source.workdays') }},
            day_name -> list_position(
                ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], lower(left(day_name, 3))
            )
        ) as workday_isodows,
        list_transform(
            {{ split_list('source.check_times') }}, check_time -> cast(check_time as time)
        ) as check_times,
        ltrim(trim(source.escalation_group_handle), '@') as escalation_group_handle,
        trim(source.security_category) as security_category,
        {{ split_list('source.presales_categories') }} as presales_categories,
        trim(source.live_chat_channel_id) as live_chat_channel_id,
        trim(source.email_channel_id) as email_channel_id,
        list_transform({{ split_list('source.docs_keywords') }}, keyword -> lower(keyword))
            as docs_keywords
    from source
)

select * from renamed
