-- Open security tickets and how long the reporter has waited between updates: the longest gap
-- between agent updates and the time since the last one, against the configured target.
select
    gaps.created_at,
    gaps.title,
    gaps.agent_updates,
    round(gaps.longest_gap_hours / 24, 1) as longest_gap_days,
    round(gaps.hours_since_last_update / 24, 1) as days_since_last_update,
    round(gaps.target_hours / 24, 1) as target_days,
    gaps.is_gap_breached,
    gaps.link
from marts.rpt_security_update_gaps as gaps
order by gaps.is_gap_breached desc, gaps.hours_since_last_update desc;
