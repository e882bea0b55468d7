-- Who answers most in the community (last 90 days): people outside the team whose reply was
-- the first qualifying response to a request, per source. Candidates for thanks, or for the
-- roster if they are in fact staff.
with

build as (
    select * from marts.meta_build
)

select
    responses.source,
    responses.responder,
    count(*) filter (where responses.is_first_response) as first_answers,
    count(*) as replies,
    count(distinct responses.request_id) as requests_helped,
    max(responses.responded_at) as last_reply_at
from marts.fct_responses as responses
cross join build
where
    responses.responder_kind = 'community'
    and responses.responded_at >= build.as_of - interval 90 day
group by responses.source, responses.responder
order by first_answers desc, replies desc
limit 25;
