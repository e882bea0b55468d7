-- One row per reply, comment, review or agent message on a request, as of as_of.
with

responses as (
    select * from {{ ref('int_support_responses_unioned') }}
),

ranked as (
    select
        responses.response_id,
        responses.request_id,
        responses.rule_id,
        responses.source,
        responses.response_type,
        responses.responded_at,
        responses.responder_id,
        responses.responder,
        responses.responder_kind,
        responses.is_qualifying,
        coalesce(
            responses.is_qualifying
            and row_number() over (
                partition by responses.request_id, responses.is_qualifying
                order by responses.responded_at, responses.response_id
            ) = 1,
            false
        ) as is_first_response,
        coalesce(responses.is_unknown_responder, false) as is_unknown_responder
    from responses
)

select * from ranked
