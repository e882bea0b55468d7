with

source as (
    select * from {{ source('hubspot', 'owners') }}
),

renamed as (
    select
        cast(source.id as varchar) as owner_id,
        cast(source.user_id as varchar) as owner_user_id,
        source.email,
        source.first_name,
        source.last_name,
        coalesce(
            nullif(trim(concat_ws(' ', source.first_name, source.last_name)), ''),
            source.email
        ) as owner_name,
        coalesce(source.archived, false) as is_archived
    from source
)

select * from renamed
