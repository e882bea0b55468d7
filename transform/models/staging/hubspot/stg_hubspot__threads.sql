-- Conversations threads; assigned_to is an actor id (`A-<userId>` for an agent).
with

source as (
    select * from {{ source('hubspot', 'threads') }}
),

renamed as (
    select
        cast(source.id as varchar) as thread_id,
        {{ to_instant('source.created_at') }} as created_at,
        {{ to_instant('source.closed_at') }} as closed_at,
        upper(source.status) as thread_status,
        cast(source.inbox_id as varchar) as inbox_id,
        nullif(source.assigned_to, '') as assigned_to_actor_id,
        case
            when starts_with(source.assigned_to, 'A-') then substr(source.assigned_to, 3)
        end as assigned_user_id,
        cast(source.original_channel_id as varchar) as original_channel_id,
        cast(source.original_channel_account_id as varchar) as original_channel_account_id,
        nullif(cast(source.associated_contact_id as varchar), '') as associated_contact_id,
        nullif(cast(source.associated_ticket_id as varchar), '') as associated_ticket_id,
        {{ to_instant('source.latest_message_timestamp') }} as latest_message_at,
        coalesce(cast(source.spam as boolean), false) as is_spam,
        coalesce(source.archived, false) as is_archived
    from source
)

select * from renamed
