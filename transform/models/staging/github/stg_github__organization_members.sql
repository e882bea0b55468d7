with

source as (
    select * from {{ source('github', 'organization_members') }}
),

renamed as (
    select
        source.id as member_user_id,
        source.org,
        source.login,
        source.type as member_type
    from source
)

select * from renamed
