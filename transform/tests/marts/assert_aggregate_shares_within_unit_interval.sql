-- Shares are fractions: attainment, handled_share and community_answer_share lie in [0, 1]
-- (or are null) in both aggregates, and handled_share is null outside Slack. Returns offenders.
with

daily as (
    select * from {{ ref('agg_coverage_daily') }}
),

weekly as (
    select * from {{ ref('agg_coverage_weekly') }}
),

shares as (
    select
        'agg_coverage_daily' as aggregate_name,
        cast(daily.day as varchar) as period,
        daily.channel,
        daily.rule_id,
        daily.source,
        daily.attainment,
        daily.handled_share,
        daily.community_answer_share
    from daily
    union all
    select
        'agg_coverage_weekly' as aggregate_name,
        cast(weekly.week_start as varchar) as period,
        weekly.channel,
        weekly.rule_id,
        weekly.source,
        weekly.attainment,
        weekly.handled_share,
        weekly.community_answer_share
    from weekly
),

final as (
    select shares.*
    from shares
    where
        not coalesce(shares.attainment between 0 and 1, true)
        or not coalesce(shares.handled_share between 0 and 1, true)
        or not coalesce(shares.community_answer_share between 0 and 1, true)
        or (shares.source <> 'slack' and shares.handled_share is not null)
)

select * from final
