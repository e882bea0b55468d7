-- The calendar (int_calendar_days_numbered) indexed by UTC date: one row per local date and UTC date it
-- overlaps (a local day spans two UTC dates unless the team time zone is UTC). Looking an
-- instant up by its UTC date plus the [day_start_at, day_end_at) range is an equality join,
-- which keeps the business-time macros fast.
with

calendar as (
    select * from {{ ref('int_calendar_days_numbered') }}
),

indexed as (
    select
        calendar.*,
        cast(unnest(generate_series(
            cast(cast(timezone('UTC', calendar.day_start_at) as date) as timestamp),
            cast(cast(timezone('UTC', calendar.day_end_at - interval 1 microsecond) as date) as timestamp),
            interval 1 day
        )) as date) as utc_date
    from calendar
)

select * from indexed
