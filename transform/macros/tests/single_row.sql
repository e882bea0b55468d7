{#- Generic test: the model has exactly one row (one-row config such as settings.csv). -#}
{% test single_row(model) %}
    select count(*) as row_count
    from {{ model }}
    having count(*) <> 1
{% endtest %}
