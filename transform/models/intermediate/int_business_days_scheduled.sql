-- The business days: one row per configured workday that is not a holiday, with its working
-- window as UTC instants (converted in the team time zone day by day, so DST-correct).
with

calendar as (
    select * from {{ ref('int_calendar_days_numbered') }}
),

business_days as (
    select
        calendar.calendar_date as business_date,
        calendar.business_day_number,
        calendar.work_start_at,
        calendar.work_end_at,
        calendar.team_timezone,
        calendar.workday_start,
        calendar.workday_seconds
    from calendar
    where calendar.is_business_day
)

select * from business_days
