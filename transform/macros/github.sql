{#- GitHub helpers. -#}

{#- The author columns of a GitHub record whose `user` is a JSON object. -#}
{% macro github_author_columns(relation) -%}
        {{ relation }}."user" ->> 'login' as author_login,
        cast({{ relation }}."user" ->> 'id' as bigint) as author_user_id,
        {{ relation }}."user" ->> 'type' as author_type,
        upper(coalesce({{ relation }}.author_association, 'NONE')) as author_association,
        coalesce(
            {{ relation }}."user" ->> 'type' = 'Bot'
            or ({{ relation }}."user" ->> 'login') like '%[bot]',
            false
        ) as is_bot_author,
{%- endmacro %}
