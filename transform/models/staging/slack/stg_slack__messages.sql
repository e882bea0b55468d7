-- Channel history: thread parents, plain posts, system posts and broadcast replies.
with

source as (
    select * from {{ source('slack', 'messages') }}
),

renamed as (
    {{ slack_message_columns('source') }}
)

select * from renamed
