with

source as (
    select * from {{ source('hubspot', 'tickets') }}
),

renamed as (
    select
        cast(source.id as varchar) as ticket_id,
        coalesce({{ to_instant('source.createdate') }}, {{ to_instant('source.created_at') }})
            as created_at,
        source.subject,
        source.content,
        nullif(trim(source.hs_ticket_category), '') as ticket_category,
        nullif(cast(source.hubspot_owner_id as varchar), '') as owner_id,
        upper(nullif(trim(source.source_type), '')) as source_type,
        cast(source.hs_pipeline as varchar) as pipeline_id,
        cast(source.hs_pipeline_stage as varchar) as pipeline_stage,
        source.hs_ticket_priority as priority,
        {{ to_instant('source.first_agent_reply_date') }} as first_agent_reply_at,
        {{ to_instant('source.closed_date') }} as closed_at,
        nullif(cast(source.hs_conversations_originating_thread_id as varchar), '')
            as originating_thread_id,
        coalesce(source.archived, false) as is_archived
    from source
)

select * from renamed
