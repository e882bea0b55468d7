-- Live chats assigned to someone other than the expected owner (pre-sales chats to the
-- pre-sales owner, all others to the live-chat owner), newest first, with the share routed
-- correctly over all chats.
select
    routing.created_at,
    routing.ticket_category,
    routing.expected_duty,
    routing.expected_owner,
    coalesce(routing.assigned_to, '(unassigned)') as assigned_to,
    round(avg(cast(routing.is_routed_correctly as integer)) over (), 3) as share_routed_correctly,
    routing.link
from marts.rpt_live_chat_routing as routing
qualify not routing.is_routed_correctly
order by routing.created_at desc;
