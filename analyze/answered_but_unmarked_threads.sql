-- Slack threads that got an answer but no ✅ (handled) mark, last 14 days, per channel and
-- newest first: mark them, or find out why they are not covered.
with

build as (
    select * from marts.meta_build
)

select
    unmarked.channel,
    unmarked.created_at,
    unmarked.requester,
    unmarked.first_responder,
    unmarked.first_responder_kind,
    unmarked.title,
    unmarked.link
from marts.rpt_unmarked_threads as unmarked
cross join build
where unmarked.created_at >= build.as_of - interval 14 day
order by unmarked.channel asc, unmarked.created_at desc;
