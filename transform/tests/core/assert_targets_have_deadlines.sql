-- Every request under a rule with a target has a deadline (the business calendar covers it).
select request_id, rule_id, target_kind, created_at
from {{ ref('fct_support_requests') }}
where target_kind <> 'none' and deadline_at is null
