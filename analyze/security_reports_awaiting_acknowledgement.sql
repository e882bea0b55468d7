-- Security reports not yet acknowledged (no agent reply as of the last build), with the
-- acknowledgement deadline (end of the next business day) and the time left.
select
    queue.created_at,
    queue.deadline_at,
    round(queue.hours_to_deadline, 1) as hours_to_deadline,
    queue.sla_status,
    queue.requester,
    queue.title,
    queue.link
from marts.rpt_queue as queue
where queue.rule_id = 'security_ack'
order by queue.urgency_rank;
