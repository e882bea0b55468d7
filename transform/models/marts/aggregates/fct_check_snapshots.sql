-- What DevRel saw at each check: at every configured check time of every business day (team
-- time zone; weekends and holidays have no check), from the first request's day up to as_of,
-- the requests per channel and rule created before the check and not answered by then.
with

requests as (
    select * from {{ ref('fct_support_requests') }}
),

business_days as (
    select * from {{ ref('int_business_days_scheduled') }}
),

settings as (
    select * from {{ ref('stg_config__settings') }}
),

data_span as (
    select min(cast(timezone(settings.team_timezone, requests.created_at) as date)) as first_date
    from requests
    cross join settings
),

check_instants as (
    select
        business_days.business_date as check_date,
        left(cast(check_times.check_time as varchar), 5) as check_time,
        timezone(
            business_days.team_timezone, business_days.business_date + check_times.check_time
        ) as checked_at
    from business_days
    cross join settings
    cross join unnest(settings.check_times) as check_times (check_time)
    inner join data_span
        on business_days.business_date >= data_span.first_date
),

checks as (
    select check_instants.*
    from check_instants
    where check_instants.checked_at <= {{ as_of() }}
),

channels as (
    select
        requests.channel,
        requests.rule_id,
        any_value(requests.source) as source
    from requests
    group by requests.channel, requests.rule_id
),

open_at_check as (
    select
        checks.checked_at,
        requests.channel,
        requests.rule_id,
        count(*) as unanswered
    from checks
    inner join requests
        on
            checks.checked_at > requests.created_at
            and (
                not requests.is_answered
                or checks.checked_at < requests.first_response_at
            )
    group by checks.checked_at, requests.channel, requests.rule_id
),

final as (
    select
        checks.checked_at,
        checks.check_date,
        checks.check_time,
        channels.channel,
        channels.rule_id,
        channels.source,
        coalesce(open_at_check.unanswered, 0) as unanswered
    from checks
    cross join channels
    left join open_at_check
        on
            checks.checked_at = open_at_check.checked_at
            and channels.channel is not distinct from open_at_check.channel
            and channels.rule_id = open_at_check.rule_id
)

select * from final
