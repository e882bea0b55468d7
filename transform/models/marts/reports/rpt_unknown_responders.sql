-- People who responded to requests without being on the roster (inside their validity window),
-- with how often, so the roster can be fixed. Community replies are listed too: a frequent
-- "community" answerer may be staff missing from the roster. is_likely_staff marks accounts
-- that act as staff (an org member or collaborator on GitHub, an agent seat on HubSpot) and
-- Slack accounts missing from the user list.
with

responses as (
    select * from {{ ref('fct_responses') }}
),

off_roster as (
    select responses.*
    from responses
    where
        responses.responder_kind = 'community'
        or (responses.responder_kind = 'team' and responses.is_unknown_responder)
),

final as (
    select
        off_roster.source,
        coalesce(off_roster.responder_id, off_roster.responder) as responder_id,
        any_value(off_roster.responder) as responder,
        bool_or(off_roster.is_unknown_responder) as is_likely_staff,
        count(*) as responses,
        count(*) filter (where off_roster.is_first_response) as first_responses,
        count(distinct off_roster.request_id) as requests,
        list(distinct off_roster.rule_id order by off_roster.rule_id) as rule_ids,
        min(off_roster.responded_at) as first_seen_at,
        max(off_roster.responded_at) as last_seen_at
    from off_roster
    group by off_roster.source, coalesce(off_roster.responder_id, off_roster.responder)
)

select * from final
