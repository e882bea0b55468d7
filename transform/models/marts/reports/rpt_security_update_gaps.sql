-- Open security tickets (rule security_ack, not closed by as_of) and how regularly the reporter
-- hears from us: the longest gap between consecutive agent messages, and the time since the
-- last one (or since receipt, when there is none) up to as_of, against the update-gap target of
-- process rule security_update_gap (calendar hours).
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

responses as (
    select * from {{ ref('fct_responses') }}
),

tickets as (
    select * from {{ ref('stg_hubspot__tickets') }}
),

process_rules as (
    select * from {{ ref('stg_config__process_rules') }}
),

update_gap_target as (
    select
        case
            when process_rules.target_kind = 'calendar_hours' then process_rules.target_value
        end as target_hours
    from process_rules
    where process_rules.rule_id = 'security_update_gap'
),

open_tickets as (
    select
        requests.request_id,
        tickets.ticket_id,
        requests.title,
        requests.created_at,
        requests.first_response_at,
        requests.sla_status,
        requests.link
    from requests
    inner join tickets
        on requests.source_record_id = 'ticket:' || tickets.ticket_id
    where
        requests.rule_id = 'security_ack'
        and requests.created_at <= {{ as_of() }}
        and (tickets.closed_at is null or tickets.closed_at > {{ as_of() }})
),

-- Agent messages up to as_of; an agent whose roster window has ended still updated the reporter.
agent_updates as (
    select distinct
        responses.request_id,
        responses.responded_at
    from responses
    inner join open_tickets
        on responses.request_id = open_tickets.request_id
    where
        responses.responder_kind in ('team', 'community')
        and responses.responded_at <= {{ as_of() }}
),

gaps as (
    select
        agent_updates.request_id,
        agent_updates.responded_at,
        (
            epoch(agent_updates.responded_at)
            - epoch(lag(agent_updates.responded_at) over (
                partition by agent_updates.request_id order by agent_updates.responded_at
            ))
        ) / 3600.0 as gap_hours
    from agent_updates
),

update_stats as (
    select
        gaps.request_id,
        count(*) as agent_updates,
        min(gaps.responded_at) as first_update_at,
        max(gaps.responded_at) as last_update_at,
        max(gaps.gap_hours) as longest_gap_hours
    from gaps
    group by gaps.request_id
),

measured as (
    select
        open_tickets.request_id,
        open_tickets.ticket_id,
        open_tickets.title,
        open_tickets.created_at,
        open_tickets.sla_status as ack_sla_status,
        coalesce(update_stats.agent_updates, 0) as agent_updates,
        update_stats.first_update_at,
        update_stats.last_update_at,
        update_stats.longest_gap_hours,
        (
            epoch({{ as_of() }})
            - epoch(coalesce(update_stats.last_update_at, open_tickets.created_at))
        ) / 3600.0 as hours_since_last_update,
        open_tickets.link
    from open_tickets
    left join update_stats
        on open_tickets.request_id = update_stats.request_id
),

final as (
    select
        measured.*,
        update_gap_target.target_hours,
        greatest(coalesce(measured.longest_gap_hours, 0), measured.hours_since_last_update)
        > update_gap_target.target_hours as is_gap_breached
    from measured
    -- A missing rule leaves the target null rather than dropping the tickets.
    left join update_gap_target
        on true
)

select * from final
