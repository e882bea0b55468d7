-- Escalations in the escalation channel that tag neither an SME nor the engineering user group
-- (last 30 days, newest first), with the share tagged over the same period on every row.
with

build as (
    select * from marts.meta_build
),

recent as (
    select escalations.*
    from marts.rpt_escalations as escalations
    cross join build
    where escalations.created_at >= build.as_of - interval 30 day
)

select
    recent.created_at,
    recent.requester,
    recent.title,
    recent.is_answered,
    round(recent.hours_to_engineering_reply, 1) as hours_to_engineering_reply,
    recent.sla_status,
    round(avg(cast(recent.is_tagged as integer)) over (), 3) as share_tagged_last_30_days,
    recent.link
from recent
qualify not recent.is_tagged
order by recent.created_at desc;
