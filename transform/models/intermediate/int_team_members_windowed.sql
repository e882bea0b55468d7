-- The roster with each validity window as UTC instants: valid_from at 00:00 and valid_to
-- through 24:00 (inclusive day) in the team time zone; open ends are +-infinity.
with

team_members as (
    select * from {{ ref('stg_config__team_members') }}
),

settings as (
    select * from {{ ref('stg_config__settings') }}
),

windowed as (
    select
        team_members.person,
        team_members.role,
        team_members.slack_user_id,
        team_members.github_login,
        team_members.hubspot_owner_id,
        team_members.duties,
        team_members.sme_topics,
        team_members.is_sme,
        team_members.is_live_chat_owner,
        team_members.is_presales_owner,
        team_members.valid_from,
        team_members.valid_to,
        coalesce(
            timezone(settings.team_timezone, cast(team_members.valid_from as timestamp)),
            cast('-infinity' as timestamptz)
        ) as valid_from_at,
        coalesce(
            timezone(settings.team_timezone, cast(team_members.valid_to + 1 as timestamp)),
            cast('infinity' as timestamptz)
        ) as valid_to_at
    from team_members
    cross join settings
)

select * from windowed
