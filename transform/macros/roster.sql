{#- True when `instant` lies inside the validity window of the roster row `roster`
    (a relation alias of int_team_members_windowed). -#}
{% macro in_roster_window(roster, instant) -%}
    ({{ instant }} >= {{ roster }}.valid_from_at and {{ instant }} < {{ roster }}.valid_to_at)
{%- endmacro %}

{#- The kind of a HubSpot agent (an owner seat): staff, unless the owner is on the roster only
    outside the validity window at hand, where the roster wins and they count as community.
    `person` is the roster row matched inside the window, `roster_owner_id` the owner's id
    found anywhere on the roster. -#}
{% macro hubspot_agent_kind(person, roster_owner_id) -%}
    case
        when {{ person }} is null and {{ roster_owner_id }} is not null then 'community'
        else 'team'
    end
{%- endmacro %}
