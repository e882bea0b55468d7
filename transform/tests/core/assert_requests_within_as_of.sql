-- Nothing after as_of is counted: no request created, and no response posted, after it.
select request_id as id, created_at as at_time
from {{ ref('fct_support_requests') }}
where created_at > {{ as_of() }}
union all
select response_id, responded_at
from {{ ref('fct_responses') }}
where responded_at > {{ as_of() }}
