-- Conversations messages. Actor ids: `A-` agent, `B-` bot, `V-` visitor, `E-` email sender;
-- type COMMENT is an internal note.
with

source as (
    select * from {{ source('hubspot', 'messages') }}
),

renamed as (
    select
        cast(source.id as varchar) as message_id,
        cast(source.thread_id as varchar) as thread_id,
        upper(source.type) as message_type,
        {{ to_instant('source.created_at') }} as created_at,
        upper(source.direction) as direction,
        cast(source.channel_id as varchar) as channel_id,
        source.text as message_text,
        source.subject,
        coalesce(cast(json_extract_string(source.sender_actor_ids, '$[*]') as varchar[]), [])
            as sender_actor_ids,
        cast(json_extract_string(source.sender_actor_ids, '$[0]') as varchar) as sender_actor_id,
        split_part(json_extract_string(source.sender_actor_ids, '$[0]'), '-', 1)
            as sender_actor_type,
        case
            when starts_with(json_extract_string(source.sender_actor_ids, '$[0]'), 'A-')
                then substr(json_extract_string(source.sender_actor_ids, '$[0]'), 3)
        end as sender_user_id
    from source
)

select * from renamed
