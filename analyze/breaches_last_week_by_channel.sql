-- Last full week (Monday to Sunday in the team time zone, before the week of as_of): how many
-- requests breached their target in each channel and rule, next to met and still unanswered.
with

build as (
    select * from marts.meta_build
),

settings as (
    select * from config.settings
),

last_week as (
    select
        cast(date_trunc(
            'week', cast(timezone(settings.timezone, build.as_of) as date)
        ) as date) - 7 as week_start
    from build
    cross join settings
)

select
    weekly.week_start,
    weekly.source,
    weekly.channel,
    weekly.rule_id,
    weekly.requests,
    weekly.breached,
    weekly.met,
    round(weekly.attainment, 3) as attainment,
    weekly.unanswered_end_of_day as unanswered_at_week_end
from marts.agg_coverage_weekly as weekly
inner join last_week
    on weekly.week_start = last_week.week_start
where weekly.requests > 0
order by weekly.breached desc, weekly.channel asc, weekly.rule_id asc;
