-- What the most recent DevRel checks saw: unanswered requests per channel and rule at each of
-- the last two check times (e.g. this morning and last evening), biggest backlog first.
with

recent_checks as (
    select distinct snapshots.checked_at
    from marts.fct_check_snapshots as snapshots
    order by snapshots.checked_at desc
    limit 2
)

select
    snapshots.checked_at,
    snapshots.check_date,
    snapshots.check_time,
    snapshots.source,
    snapshots.channel,
    snapshots.rule_id,
    snapshots.unanswered
from marts.fct_check_snapshots as snapshots
inner join recent_checks
    on snapshots.checked_at = recent_checks.checked_at
order by snapshots.checked_at desc, snapshots.unanswered desc;
