with

source as (
    select * from {{ source('slack', 'usergroups') }}
),

renamed as (
    select
        source.id as usergroup_id,
        ltrim(source.handle, '@') as handle,
        source.name as usergroup_name,
        coalesce(cast(json_extract_string(source.users, '$[*]') as varchar[]), [])
            as member_user_ids,
        coalesce(source.date_delete, 0) > 0 as is_deleted
    from source
)

select * from renamed
