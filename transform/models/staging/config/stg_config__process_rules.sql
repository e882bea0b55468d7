with

source as (
    select * from {{ ref('process_rules') }}
),

renamed as (
    select
        trim(source.rule_id) as rule_id,
        lower(trim(source.target_kind)) as target_kind,
        source.target_value,
        source.description as rule_description
    from source
)

select * from renamed
