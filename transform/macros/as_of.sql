{#- The instant the models are evaluated at, as a TIMESTAMPTZ expression: the `as_of` var
    (ISO 8601, from COVERED_AS_OF; without an offset it is UTC) or, when empty, the start of
    this dbt invocation, so that every model of one run uses the same instant. A value that is
    not a timestamp fails the query with a one-line message. -#}
{% macro as_of() -%}
    {%- set value = var('as_of', '') | string | trim -%}
    {%- if value in ('', 'None') -%}
        {%- set value = run_started_at.isoformat() -%}
    {%- endif -%}
    {%- set literal = "'" ~ value | replace("'", "''") ~ "'" -%}
    coalesce(
        try_cast({{ literal }} as timestamptz),
        error('as_of ' || {{ literal }} || ' is not an ISO 8601 instant, e.g. 2026-11-01T00:00:00Z')
    )
{%- endmacro %}
