{#- A timestamp column that may arrive as TIMESTAMPTZ or as a string ("" meaning unset). -#}
{% macro to_instant(column) -%}
    try_cast(nullif(trim(cast({{ column }} as varchar)), '') as timestamptz)
{%- endmacro %}
