-- What is waiting for an answer right now (as of the last build), most urgent first:
-- overdue requests (most overdue first), then those with the least time left, then requests
-- without a target (oldest first).
select
    queue.urgency_rank,
    queue.sla_status,
    round(queue.hours_to_deadline, 1) as hours_to_deadline,
    round(queue.age_hours, 1) as age_hours,
    queue.source,
    queue.channel,
    queue.rule_id,
    queue.requester,
    queue.title,
    queue.link
from marts.rpt_queue as queue
order by queue.urgency_rank
limit 50;
