with

source as (
    select * from {{ ref('slack_channels') }}
),

renamed as (
    select
        trim(source.channel_name) as channel_name,
        trim(source.rule_id) as rule_id
    from source
)

select * from renamed
