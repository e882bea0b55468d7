-- Thread replies, parent excluded.
with

source as (
    select * from {{ source('slack', 'threads') }}
),

renamed as (
    {{ slack_message_columns('source') }}
)

select * from renamed
