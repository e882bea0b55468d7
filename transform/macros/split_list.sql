{#- A `;`-separated config cell as a list of trimmed, non-empty strings. -#}
{% macro split_list(column) -%}
    list_filter(
        list_transform(string_split(coalesce({{ column }}, ''), ';'), item -> trim(item)),
        item -> item <> ''
    )
{%- endmacro %}

{#- A list of strings from a dbt var as a SQL list literal: ['a', 'b']. -#}
{% macro string_list_literal(values) -%}
    [{%- for value in values -%}
        '{{ value | string | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%}]::varchar[]
{%- endmacro %}
