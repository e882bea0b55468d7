{#- The business-time engine. Each macro renders a SQL expression (arguments are SQL
    expressions). Business time is the local wall-clock time inside the working window of
    business days (int_calendar_days_numbered); every business day holds workday_seconds of
    it, so DST switches move the UTC instants but not the amount of business time.
    Lookups join on a UTC date or a business-day number only, so DuckDB runs them as hash
    joins (a range-only lookup made a 10k-request build take a minute). -#}

{#- FROM/WHERE fragment: the calendar row (alias `day`) of the local date of `instant`. -#}
{% macro _calendar_day_of(instant, day) -%}
    {{ ref('int_calendar_days_utc_indexed') }} as {{ day }}
    where
        {{ day }}.utc_date = cast(timezone('UTC', {{ instant }}) as date)
        and {{ instant }} >= {{ day }}.day_start_at
        and {{ instant }} < {{ day }}.day_end_at
{%- endmacro %}

{#- Business seconds from the calendar's first date up to `instant`, given the calendar row
    `day` of its local date. -#}
{% macro _business_seconds_at(instant, day) -%}
    (
        {{ day }}.business_days_before * {{ day }}.workday_seconds
        + case
            when {{ day }}.is_business_day
                then least(
                    {{ day }}.workday_seconds,
                    greatest(
                        0,
                        epoch(
                            timezone({{ day }}.team_timezone, {{ instant }})
                            - ({{ day }}.calendar_date + {{ day }}.workday_start)
                        )
                    )
                )
            else 0
        end
    )
{%- endmacro %}

{#- Business seconds elapsed from the calendar's first date up to `instant`. -#}
{% macro business_seconds_until(instant) -%}
    (select {{ _business_seconds_at(instant, 'instant_day_') }}
    from {{ _calendar_day_of(instant, 'instant_day_') }})
{%- endmacro %}

{#- Business minutes between two instants (null when either is null, 0 when end <= start). -#}
{% macro business_minutes_between(start_at, end_at) -%}
    case
        -- greatest() skips nulls in DuckDB, so a missing end must be caught first.
        when {{ start_at }} is not null and {{ end_at }} is not null
            then greatest(
                0, {{ business_seconds_until(end_at) }} - {{ business_seconds_until(start_at) }}
            ) / 60.0
    end
{%- endmacro %}

{#- The earliest instant at which the business time elapsed since `start_at` reaches
    `business_seconds` (Tue 22:30 + 8 h of a 09:00-17:00 day -> Wed 17:00): the day whose
    business-day number holds the target, at workday start plus the remainder. -#}
{% macro business_time_add(start_at, business_seconds) -%}
    {%- set target -%}
        ({{ _business_seconds_at(start_at, 'start_day_') }} + ({{ business_seconds }}))
    {%- endset -%}
    (
        select timezone(
            due_day_.team_timezone,
            due_day_.business_date + due_day_.workday_start + to_microseconds(cast(
                1000000 * ({{ target }} - (due_day_.business_day_number - 1) * due_day_.workday_seconds)
                as bigint
            ))
        )
        from {{ ref('int_business_days_scheduled') }} as due_day_
        inner join {{ _calendar_day_of(start_at, 'start_day_') | replace('where', 'on', 1) }}
            and due_day_.business_day_number
            = cast(ceil({{ target }} / start_day_.workday_seconds) as bigint)
    )
{%- endmacro %}

{#- The workday end on the first business day after the local (team time zone) date of
    `start_at`, whatever the hour (Thu 18:00 -> Fri 17:00, Fri 10:00 -> Mon 17:00). -#}
{% macro next_business_day_end(start_at) -%}
    (
        select next_day_.work_end_at
        from {{ ref('int_business_days_scheduled') }} as next_day_
        inner join {{ _calendar_day_of(start_at, 'receipt_day_') | replace('where', 'on', 1) }}
            and next_day_.business_day_number = receipt_day_.business_days_through + 1
    )
{%- endmacro %}

{#- The deadline of a request received at `start_at` under a rule's target:
    calendar_hours = elapsed real hours (24 h across a DST switch is 24 h);
    business_hours = elapsed business time; business_days = N working days of business time
    (N x workday length); next_business_day = next_business_day_end; none or unknown -> null. -#}
{% macro business_deadline(start_at, target_kind, target_value) -%}
    case {{ target_kind }}
        when 'calendar_hours'
            then {{ start_at }} + to_microseconds(cast({{ target_value }} * 3600 * 1000000 as bigint))
        when 'business_hours'
            then {{ business_time_add(start_at, target_value ~ ' * 3600') }}
        when 'business_days'
            then {{ business_time_add(start_at, target_value ~ ' * start_day_.workday_seconds') }}
        when 'next_business_day'
            then {{ next_business_day_end(start_at) }}
    end
{%- endmacro %}
