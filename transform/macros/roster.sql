{#- True when `instant` lies inside the validity window of the roster row `roster`
    (a relation alias of int_team_members_windowed). -#}
{% macro in_roster_window(roster, instant) -%}
    ({{ instant }} >= {{ roster }}.valid_from_at and {{ instant }} < {{ roster }}.valid_to_at)
{%- endmacro %}
