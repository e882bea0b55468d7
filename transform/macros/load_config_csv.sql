{#- Seeds are the configuration. dbt knows them from transform/seeds/, but their rows are read
    from COVERED_CONFIG_DIR/<seed>.csv when that variable names a directory, so `--config DIR`
    replaces the config for one run without touching the defaults. (Pointing seed-paths itself
    at an absolute directory would make dbt write its compiled output over the CSVs there.)
    Columns are matched by name, so their order in the file does not matter. -#}
{% macro duckdb__load_csv_rows(model, agate_table) %}
    {%- set config_dir = env_var('COVERED_CONFIG_DIR', '') | trim -%}
    {%- if config_dir -%}
        {%- set csv_path = config_dir.rstrip('/') ~ '/' ~ model.name ~ '.csv' -%}
    {%- else -%}
        {%- set csv_path = adapter.get_seed_file_path(model) -%}
    {%- endif -%}
    {% set sql %}
        insert into {{ this.render() }} by name
        select * from read_csv('{{ csv_path | replace("'", "''") }}', header = true, all_varchar = true)
    {% endset %}
    {% do adapter.add_query(sql, abridge_sql_log=True) %}
    {{ return(sql) }}
{% endmacro %}
