with

source as (
    select * from {{ ref('holidays') }}
),

renamed as (
    select
        source.holiday_date,
        source.name as holiday_name
    from source
)

select * from renamed
