with

source as (
    select * from {{ source('slack', 'channels') }}
),

renamed as (
    select
        source.id as channel_id,
        source.name as channel_name,
        coalesce(source.is_private, false) as is_private,
        coalesce(source.is_archived, false) as is_archived
    from source
)

select * from renamed
