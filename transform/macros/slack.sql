{#- Slack helpers shared by staging and the models that read Slack text. -#}

{#- The columns of a raw Slack message table (messages and threads share one layout). -#}
{% macro slack_message_columns(relation) -%}
    select
        {{ relation }}.channel_id || '/' || {{ relation }}.ts as message_id,
        {{ relation }}.channel_id,
        {{ relation }}.ts as message_ts,
        coalesce(
            {{ relation }}.ts_at, to_timestamp(cast({{ relation }}.ts as double))
        ) as posted_at,
        nullif({{ relation }}.thread_ts, '') as thread_ts,
        {{ relation }}.channel_id || '/' || coalesce(nullif({{ relation }}.thread_ts, ''), {{ relation }}.ts)
            as thread_id,
        coalesce(
            nullif({{ relation }}.thread_ts, '') is not null
            and {{ relation }}.thread_ts <> {{ relation }}.ts,
            false
        ) as is_reply,
        {{ relation }}.type as message_type,
        nullif({{ relation }}.subtype, '') as subtype,
        nullif({{ relation }}."user", '') as user_id,
        nullif({{ relation }}.bot_id, '') as bot_id,
        {{ relation }}.username,
        coalesce({{ relation }}.text, '') as message_text,
        {{ relation }}.reply_count,
        coalesce(
            cast(json_extract_string({{ relation }}.reactions, '$[*].name') as varchar[]),
            []
        ) as reaction_names,
        regexp_extract_all(coalesce({{ relation }}.text, ''), '<@([A-Z0-9]+)', 1)
            as mentioned_user_ids,
        regexp_extract_all(coalesce({{ relation }}.text, ''), '<!subteam\^([A-Z0-9]+)', 1)
            as mentioned_usergroup_ids,
    from {{ relation }}
{%- endmacro %}

{#- Message subtypes that are a person writing (a plain message has no subtype); join, leave,
    topic, bot and other system subtypes are not. -#}
{% macro slack_human_subtypes() -%}
    ('file_share', 'me_message', 'thread_broadcast')
{%- endmacro %}

{#- Text as plain text, at most `length` characters: Slack markup (<@U1>, <#C1|name>,
    <!here>, <url|label>, <url>) becomes its label or target (@here for <!here>),
    *bold*/_italic_/~strike~ markers and backticks go, Slack's &lt; &gt; &amp; escapes are undone, whitespace collapses.
    Anything else in angle brackets is kept as typed. -#}
{% macro plain_text(column, length=200) -%}
    {%- set markup = '(?:[@#!][^<>|]*|[a-zA-Z][a-zA-Z0-9+.-]*:[^<>|]*)' -%}
    left(
        trim(regexp_replace(
            replace(replace(replace(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(
                            regexp_replace(
                                regexp_replace(
                                    coalesce({{ column }}, ''),
                                    '<{{ markup }}\|([^<>]*)>', '\1', 'g'
                                ),
                                '<!(here|channel|everyone)>', '@\1', 'g'
                            ),
                            '<({{ markup }})>', '\1', 'g'
                        ),
                        '(^|\s)[*_~]+([^\s*_~][^*_~]*?)[*_~]+([\s.,;:!?]|$)', '\1\2\3', 'g'
                    ),
                    '`', '', 'g'
                ),
                '&lt;', '<'), '&gt;', '>'), '&amp;', '&'
            ),
            '\s+', ' ', 'g'
        )),
        {{ length }}
    )
{%- endmacro %}
