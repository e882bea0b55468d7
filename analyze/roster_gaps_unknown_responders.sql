-- Who responds without being on the roster: accounts that act as staff (is_likely_staff) first,
-- then the busiest community responders. Add the staff ones to team_members.csv.
select
    unknown.source,
    unknown.responder_id,
    unknown.responder,
    unknown.is_likely_staff,
    unknown.responses,
    unknown.first_responses,
    unknown.requests,
    unknown.rule_ids,
    unknown.last_seen_at
from marts.rpt_unknown_responders as unknown
order by unknown.is_likely_staff desc, unknown.responses desc
limit 50;
