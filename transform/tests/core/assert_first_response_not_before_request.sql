-- A request is never answered before it was made.
select request_id, created_at, first_response_at
from {{ ref('fct_support_requests') }}
where first_response_at < created_at
