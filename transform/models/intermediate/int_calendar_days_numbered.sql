-- The business-time calendar: one row per calendar date (team time zone), business day or
-- not (int_business_days_scheduled keeps the business days). Business time is counted on the
-- local wall clock inside the working window, so every business day holds exactly
-- workday_seconds and DST switches only move the UTC instants (work_start_at/work_end_at are
-- converted day by day). business_days_before numbers the business days, which turns every
-- business-time lookup into an equality join on a date or a day number.
with

settings as (
    select * from {{ ref('stg_config__settings') }}
),

holidays as (
    select * from {{ ref('stg_config__holidays') }}
),

bounds as (
    select
        cast('{{ var("calendar_start") }}' as date) as first_date,
        {% if var('calendar_end', '') | string | trim not in ('', 'None') -%}
            cast('{{ var("calendar_end") }}' as date)
        {%- else -%}
            cast(timezone(settings.team_timezone, {{ as_of() }}) as date) + 366
        {%- endif %} as last_date
    from settings
),

days as (
    select
        cast(unnest(generate_series(
            cast(bounds.first_date as timestamp), cast(bounds.last_date as timestamp), interval 1 day
        )) as date) as calendar_date
    from bounds
),

flagged as (
    select
        days.calendar_date,
        list_contains(settings.workday_isodows, isodow(days.calendar_date))
        and not exists (
            select 1 from holidays
            where holidays.holiday_date = days.calendar_date
        ) as is_business_day,
        settings.team_timezone,
        settings.workday_start,
        settings.workday_end,
        date_diff('second', settings.workday_start, settings.workday_end) as workday_seconds
    from days
    cross join settings
),

numbered as (
    select
        flagged.calendar_date,
        flagged.is_business_day,
        coalesce(
            count_if(flagged.is_business_day) over (
                order by flagged.calendar_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as business_days_before,
        flagged.team_timezone,
        flagged.workday_start,
        flagged.workday_end,
        flagged.workday_seconds
    from flagged
),

final as (
    select
        numbered.calendar_date,
        numbered.is_business_day,
        numbered.business_days_before,
        case
            when numbered.is_business_day then numbered.business_days_before + 1
        end as business_day_number,
        numbered.business_days_before + cast(numbered.is_business_day as integer)
            as business_days_through,
        case
            when numbered.is_business_day
                then timezone(numbered.team_timezone, numbered.calendar_date + numbered.workday_start)
        end as work_start_at,
        case
            when numbered.is_business_day
                then timezone(numbered.team_timezone, numbered.calendar_date + numbered.workday_end)
        end as work_end_at,
        -- The local day as UTC instants [day_start_at, day_end_at): 23 or 25 hours on DST days.
        timezone(numbered.team_timezone, cast(numbered.calendar_date as timestamp)) as day_start_at,
        timezone(numbered.team_timezone, cast(numbered.calendar_date + 1 as timestamp))
            as day_end_at,
        numbered.team_timezone,
        numbered.workday_start,
        numbered.workday_seconds
    from numbered
)

select * from final
