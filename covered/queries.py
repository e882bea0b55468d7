"""The dashboard's SQL: every query it runs against the published copy of the marts.

Each query opens its own read-only connection and closes it before returning: the publisher
replaces the file with an atomic rename, so a reader that never holds it open always sees one
whole build. Results are cached with a TTL and keyed on the file's modification time, so a new
publish shows up on the next rerun. Values always travel as `?` parameters; the only names
formatted into SQL come from the constants in this module.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PUBLISHED = PROJECT_ROOT / "warehouse" / "dev.published.duckdb"
CACHE_TTL_SECONDS = 300
DEFAULT_SCHEDULE_MINUTES = 60
SCHEDULE_ALIASES = {"@hourly": 60, "@daily": 1440, "@midnight": 1440, "@weekly": 10080}
# The time zone used when the published copy carries no config.settings row.
FALLBACK_TIMEZONE = "UTC"
# Process-check reports the dashboard lists as they are; filters apply to the columns they have.
REPORTS = (
    "rpt_escalations",
    "rpt_unmarked_threads",
    "rpt_docs_followup",
    "rpt_live_chat_routing",
    "rpt_security_update_gaps",
    "rpt_unknown_responders",
)


@dataclass(frozen=True)
class Published:
    """The published file as of one look at it; `version` (inode, mtime) changes on every
    publish, so cached results never outlive the file they came from."""

    path: str
    version: tuple[int, int]


@dataclass(frozen=True)
class Filters:
    """The sidebar's shared filters. Dates are team-time-zone dates; empty tuples mean all."""

    start: date
    end: date
    channels: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    tz: str = FALLBACK_TIMEZONE


# ---------------------------------------------------------------- runtime settings


def published_path() -> Path:
    """COVERED_PUBLISHED, relative paths taken from the project root."""
    path = Path(os.environ.get("COVERED_PUBLISHED") or DEFAULT_PUBLISHED)
    return path if path.is_absolute() else PROJECT_ROOT / path


def published() -> Published | None:
    """The published file, or None when there is none yet."""
    path = published_path()
    try:
        stat = path.stat()
    except OSError:
        return None
    return Published(str(path), (stat.st_ino, stat.st_mtime_ns))


def schedule_interval_minutes() -> tuple[int, str]:
    """How often the pipeline runs, and where that came from.

    COVERED_SCHEDULE_INTERVAL_MINUTES wins; else the first schedule in meltano.yml when its
    interval is a cron alias or `*/N * * * *`; else hourly.
    """
    override = os.environ.get("COVERED_SCHEDULE_INTERVAL_MINUTES", "").strip()
    if override.isdigit() and int(override) > 0:
        return int(override), "COVERED_SCHEDULE_INTERVAL_MINUTES"
    try:
        project = yaml.safe_load((PROJECT_ROOT / "meltano.yml").read_text()) or {}
        interval = str((project.get("schedules") or [{}])[0].get("interval", "")).strip()
    except (OSError, yaml.YAMLError, AttributeError, TypeError):
        interval = ""
    if interval in SCHEDULE_ALIASES:
        return SCHEDULE_ALIASES[interval], f"meltano.yml schedule {interval}"
    every = re.fullmatch(r"\*/(\d+) \* \* \* \*", interval)
    if every and int(every.group(1)) > 0:
        return int(every.group(1)), f"meltano.yml schedule {interval}"
    return DEFAULT_SCHEDULE_MINUTES, "default"


# ---------------------------------------------------------------- plumbing


def _fetch(
    db: Published, sql: str, params: list | None = None, tz: str | None = None
) -> pd.DataFrame:
    """Run one query on a fresh read-only connection; timestamps come back in `tz` (or UTC)."""
    con = duckdb.connect(db.path, read_only=True)
    try:
        con.execute("set TimeZone = ?", [tz or "UTC"])
        cursor = con.execute(sql, params or [])
        # Not fetchdf(): with pandas 3 its TIMESTAMPTZ conversion raises a deprecation warning.
        rows = cursor.fetchall()
        return pd.DataFrame(rows, columns=[column[0] for column in cursor.description])
    finally:
        con.close()


def _fetch_row(db: Published, sql: str, params: list | None = None, tz: str | None = None):
    """The first row of a query as a dict of Python values."""
    return _fetch(db, sql, params, tz).astype(object).iloc[0].to_dict()


def _listed(values: tuple[str, ...]) -> list[str] | None:
    return list(values) or None


def _request_filter(f: Filters, alias: str = "") -> tuple[str, list]:
    """WHERE clause for requests created inside the date range, channel and rule filters."""
    p = f"{alias}." if alias else ""
    sql = (
        f"timezone(?, {p}created_at)::date between ? and ?"
        f" and (?::varchar[] is null or list_contains(?::varchar[], {p}channel))"
        f" and (?::varchar[] is null or list_contains(?::varchar[], {p}rule_id))"
    )
    ch, ru = _listed(f.channels), _listed(f.rules)
    return sql, [f.tz, f.start, f.end, ch, ch, ru, ru]


def _scope_filter(f: Filters, alias: str = "") -> tuple[str, list]:
    """WHERE clause for the channel and rule filters only (the live queue ignores dates)."""
    p = f"{alias}." if alias else ""
    sql = (
        f"(?::varchar[] is null or list_contains(?::varchar[], {p}channel))"
        f" and (?::varchar[] is null or list_contains(?::varchar[], {p}rule_id))"
    )
    ch, ru = _listed(f.channels), _listed(f.rules)
    return sql, [ch, ch, ru, ru]


# Target kinds whose target_value is a number of hours (the others are deadlines by date).
HOUR_TARGET_KINDS = ("calendar_hours", "business_hours")

# Response time in the unit of the rule's target: business hours for business-hour rules.
RESPONSE_HOURS_SQL = (
    "case when {p}target_kind = 'business_hours' then {p}response_business_hours"
    " else {p}response_hours end"
)


# ---------------------------------------------------------------- build and options


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def data_state(db: Published | None) -> tuple[str, str]:
    """('missing' | 'unreadable' | 'empty' | 'ok', detail) for the published copy."""
    if db is None:
        return "missing", "no such file"
    try:
        tables = _fetch(
            db,
            "select table_name from information_schema.tables where table_schema = 'marts'",
        )
        if not {"meta_build", "fct_support_requests"} <= set(tables["table_name"]):
            return "empty", "the marts are not built"
        counts = _fetch_row(
            db,
            "select (select count(*) from marts.meta_build) as builds,"
            " (select count(*) from marts.fct_support_requests) as requests",
        )
    except duckdb.Error as error:
        return "unreadable", str(error).splitlines()[0]
    if counts["builds"] == 0 or counts["requests"] == 0:
        return "empty", "the last build found no support requests"
    return "ok", ""


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def team_timezone(db: Published) -> str:
    """The team's time zone from config.settings, else UTC."""
    df = _fetch(
        db,
        "select table_name from information_schema.tables"
        " where table_schema = 'config' and table_name = 'settings'",
    )
    if df.empty:
        return FALLBACK_TIMEZONE
    tz = _fetch_row(db, "select any_value(timezone) as tz from config.settings")["tz"]
    return tz if isinstance(tz, str) and tz else FALLBACK_TIMEZONE


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def build_info(db: Published, tz: str) -> dict:
    """as_of and built_at (in `tz`), the team-local date of as_of and the Monday of its week."""
    row = _fetch_row(
        db,
        """
        select
            as_of,
            built_at,
            timezone(?, as_of)::date as as_of_date,
            date_trunc('week', timezone(?, as_of))::date as this_week
        from marts.meta_build
        limit 1
        """,
        [tz, tz],
        tz,
    )
    return {
        "as_of": pd.Timestamp(row["as_of"]).to_pydatetime(),
        "built_at": pd.Timestamp(row["built_at"]).to_pydatetime(),
        "as_of_date": row["as_of_date"],
        "this_week": row["this_week"],
    }


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def filter_options(db: Published, tz: str) -> dict:
    """Channels and rules that have requests, and the first team-local request date."""
    row = _fetch_row(
        db,
        """
        select
            list(distinct channel order by channel) filter (where channel is not null)
                as channels,
            list(distinct rule_id order by rule_id) filter (where rule_id is not null) as rules,
            min(timezone(?, created_at))::date as first_date
        from marts.fct_support_requests
        """,
        [tz],
    )
    return {"channels": row["channels"], "rules": row["rules"], "first_date": row["first_date"]}


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def rule_targets(db: Published) -> pd.DataFrame:
    """rule_id, target_kind, target_value (hours for the hour kinds), description."""
    return _fetch(
        db,
        """
        select rule_id, any_value(target_kind) as target_kind,
            any_value(target_value) as target_value
        from marts.fct_support_requests
        group by rule_id
        order by rule_id
        """,
    )


# ---------------------------------------------------------------- overview


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def headline(db: Published, f: Filters, this_week: date) -> dict:
    """Attainment this week and last, p50/p90 response this week, unanswered and overdue now."""
    scope, params = _scope_filter(f)
    weekly = _fetch_row(
        db,
        f"""
        select
            sum(met) filter (where week_start = ?) as met_this,
            sum(breached) filter (where week_start = ?) as breached_this,
            sum(requests) filter (where week_start = ?) as requests_this,
            sum(met) filter (where week_start = ? - interval 7 day) as met_last,
            sum(breached) filter (where week_start = ? - interval 7 day) as breached_last
        from marts.agg_coverage_weekly
        where {scope}
        """,
        [this_week] * 5 + params,
    )
    hours = _fetch_row(
        db,
        f"""
        select
            quantile_cont(response_hours, 0.5) as p50,
            quantile_cont(response_hours, 0.9) as p90
        from marts.fct_support_requests
        where date_trunc('week', timezone(?, created_at))::date = ? and {scope}
        """,
        [f.tz, this_week, *params],
    )
    queue = _fetch_row(
        db,
        f"""
        select count(*) as unanswered, count(*) filter (where hours_to_deadline < 0) as overdue
        from marts.rpt_queue where {scope}
        """,
        params,
    )

    def share(met, breached):
        met, breached = _num(met), _num(breached)
        return met / (met + breached) if met + breached else None

    return {
        "attainment_this": share(weekly["met_this"], weekly["breached_this"]),
        "attainment_last": share(weekly["met_last"], weekly["breached_last"]),
        "requests_this": int(_num(weekly["requests_this"])),
        "p50_hours": _opt(hours["p50"]),
        "p90_hours": _opt(hours["p90"]),
        "unanswered": int(queue["unanswered"]),
        "overdue": int(queue["overdue"]),
    }


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def week_comparison(db: Published, f: Filters, this_week: date) -> pd.DataFrame:
    """Per rule and channel: attainment this week and last, p50/p90 this week, unanswered now."""
    scope, params = _scope_filter(f)
    return _fetch(
        db,
        f"""
        with weeks as (
            select
                rule_id,
                channel,
                sum(requests) filter (where week_start = ?) as requests_this_week,
                sum(requests) filter (where week_start = ? - interval 7 day)
                    as requests_last_week,
                sum(met) filter (where week_start = ?) as met_this,
                sum(breached) filter (where week_start = ?) as breached_this,
                sum(met) filter (where week_start = ? - interval 7 day) as met_last,
                sum(breached) filter (where week_start = ? - interval 7 day) as breached_last,
                max(p50_response_hours) filter (where week_start = ?) as p50_hours_this_week,
                max(p90_response_hours) filter (where week_start = ?) as p90_hours_this_week
            from marts.agg_coverage_weekly
            where week_start in (?, ? - interval 7 day) and {scope}
            group by rule_id, channel
        ),

        queue as (
            select rule_id, channel, count(*) as unanswered_now
            from marts.rpt_queue
            where {scope}
            group by rule_id, channel
        ),

        joined as (
            select
                coalesce(weeks.rule_id, queue.rule_id) as rule_id,
                coalesce(weeks.channel, queue.channel) as channel,
                coalesce(weeks.requests_this_week, 0) as requests_this_week,
                coalesce(weeks.requests_last_week, 0) as requests_last_week,
                weeks.met_this / nullif(weeks.met_this + weeks.breached_this, 0)
                    as attainment_this_week,
                weeks.met_last / nullif(weeks.met_last + weeks.breached_last, 0)
                    as attainment_last_week,
                weeks.p50_hours_this_week,
                weeks.p90_hours_this_week,
                coalesce(queue.unanswered_now, 0) as unanswered_now
            from weeks
            full outer join queue
                on weeks.rule_id = queue.rule_id and weeks.channel = queue.channel
        )

        -- The daily mart has a row for every quiet day: keep the pairs with something to show.
        select * from joined
        where requests_this_week + requests_last_week + unanswered_now > 0
        order by rule_id, channel
        """,
        [this_week] * 10 + params + params,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def weekly_attainment(db: Published, f: Filters) -> pd.DataFrame:
    """week_start, rule_id, requests, met, breached, attainment over the weeks in the range
    (weeks of a rule with nothing met or breached, such as a no-SLA rule, are left out)."""
    scope, params = _scope_filter(f)
    return _fetch(
        db,
        f"""
        select
            week_start,
            rule_id,
            sum(requests) as requests,
            sum(met) as met,
            sum(breached) as breached,
            sum(met) / nullif(sum(met) + sum(breached), 0) as attainment
        from marts.agg_coverage_weekly
        where week_start between date_trunc('week', ?::date) and ? and {scope}
        group by week_start, rule_id
        having sum(met) + sum(breached) > 0
        order by week_start, rule_id
        """,
        [f.start, f.end, *params],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def weekly_response_hours(db: Published, f: Filters) -> pd.DataFrame:
    """week_start, rule_id, p50 and p90 first response in the rule's target unit, unanswered."""
    where, params = _request_filter(f)
    hours = RESPONSE_HOURS_SQL.format(p="")
    return _fetch(
        db,
        f"""
        select
            date_trunc('week', timezone(?, created_at))::date as week_start,
            rule_id,
            quantile_cont({hours}, 0.5) as p50,
            quantile_cont({hours}, 0.9) as p90,
            count(*) filter (where not is_answered) as unanswered
        from marts.fct_support_requests
        where {where}
        group by all
        order by week_start, rule_id
        """,
        [f.tz, *params],
    )


# ---------------------------------------------------------------- queue


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def queue(
    db: Published,
    f: Filters,
    sources: tuple[str, ...] = (),
    statuses: tuple[str, ...] = (),
    search: str = "",
) -> pd.DataFrame:
    """Unanswered requests as of as_of, most urgent first, within the channel and rule filters.

    `search` keeps the rows whose title or requester contains it (case-insensitive).
    """
    scope, params = _scope_filter(f)
    src, sts = _listed(sources), _listed(statuses)
    needle = search.strip().lower() or None
    return _fetch(
        db,
        f"""
        select
            urgency_rank,
            title,
            link,
            case
                when hours_to_deadline is null then 'no SLA'
                when hours_to_deadline < 0 then printf('overdue by %.1f h', -hours_to_deadline)
                else printf('%.1f h left', hours_to_deadline)
            end as time_left,
            age_hours,
            channel,
            rule_id,
            source,
            requester,
            created_at,
            deadline_at,
            hours_to_deadline,
            sla_status,
            request_id
        from marts.rpt_queue
        where {scope}
            and (?::varchar[] is null or list_contains(?::varchar[], source))
            and (?::varchar[] is null or list_contains(?::varchar[], sla_status))
            and (
                ?::varchar is null
                or contains(lower(coalesce(title, '') || ' ' || coalesce(requester, '')), ?)
            )
        order by urgency_rank
        """,
        [*params, src, src, sts, sts, needle, needle],
        f.tz,
    )


# ---------------------------------------------------------------- slack


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def slack_channels(db: Published, f: Filters) -> pd.DataFrame:
    """Per Slack channel and in total (the last row, 'all channels'): answers by team or
    community, and ✅ coverage of the answered requests."""
    where, params = _request_filter(f)
    return _fetch(
        db,
        f"""
        select
            coalesce(channel, 'all channels') as channel,
            count(*) as requests,
            count(*) filter (where is_answered) as answered,
            count(*) filter (where is_answered and first_responder_kind = 'team')
                as team_answers,
            count(*) filter (where is_answered and first_responder_kind = 'community')
                as community_answers,
            community_answers / nullif(answered, 0) as community_share,
            count(*) filter (where is_answered and is_handled) as answered_marked,
            answered_marked / nullif(answered, 0) as handled_share
        from marts.fct_support_requests
        where source = 'slack' and {where}
        group by grouping sets ((channel), ())
        order by grouping(channel), channel
        """,
        params,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def escalations(db: Published, f: Filters) -> dict:
    """Escalations (the requests that carry is_tagged): tagged share and time to engineering."""
    where, params = _request_filter(f)
    row = _fetch_row(
        db,
        f"""
        select
            count(*) as escalations,
            count(*) filter (where is_tagged) as tagged,
            count(*) filter (where is_answered) as answered,
            quantile_cont(response_hours, 0.5) as p50_hours,
            quantile_cont(response_hours, 0.9) as p90_hours
        from marts.fct_support_requests
        where is_tagged is not null and {where}
        """,
        params,
    )
    total = int(row["escalations"])
    return {
        "escalations": total,
        "tagged": int(row["tagged"]),
        "tagged_share": int(row["tagged"]) / total if total else None,
        "answered": int(row["answered"]),
        "p50_hours": _opt(row["p50_hours"]),
        "p90_hours": _opt(row["p90_hours"]),
    }


# ---------------------------------------------------------------- github


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def github_repos(db: Published, f: Filters) -> pd.DataFrame:
    """Per repo group: one 'all repositories' row, then one row per repository, with
    requests, SLA outcome (attainment is null where the group has no target) and percentiles."""
    where, params = _request_filter(f)
    return _fetch(
        db,
        f"""
        select
            repo_group,
            coalesce(channel, 'all repositories') as repository,
            count(*) as requests,
            count(*) filter (where is_answered) as answered,
            count(*) filter (where sla_status = 'met') as met,
            count(*) filter (where sla_status = 'breached') as breached,
            count(*) filter (where not is_answered) as unanswered,
            met / nullif(met + breached, 0) as attainment,
            quantile_cont(response_hours, 0.5) as p50_hours,
            quantile_cont(response_hours, 0.9) as p90_hours
        from marts.fct_support_requests
        where source = 'github' and {where}
        group by grouping sets ((repo_group, channel), (repo_group))
        order by repo_group, grouping(channel) desc, channel
        """,
        params,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def github_response_hours(db: Published, f: Filters) -> pd.DataFrame:
    """repo_group and response_hours of every answered GitHub request (for the distribution)."""
    where, params = _request_filter(f)
    return _fetch(
        db,
        f"""
        select repo_group, response_hours
        from marts.fct_support_requests
        where source = 'github' and is_answered and {where}
        """,
        params,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def github_unanswered(db: Published, f: Filters) -> pd.DataFrame:
    """Unanswered community issues and PRs now, with repo group and kind, most urgent first."""
    scope, params = _scope_filter(f, "q")
    return _fetch(
        db,
        f"""
        select
            r.repo_group,
            case when q.link like '%/pull/%' then 'pull request' else 'issue' end as kind,
            q.title, q.channel as repository, q.requester, q.created_at, q.age_hours,
            q.hours_to_deadline, q.sla_status, q.link
        from marts.rpt_queue as q
        inner join marts.fct_support_requests as r on q.request_id = r.request_id
        where q.source = 'github' and {scope}
        order by r.repo_group, q.urgency_rank
        """,
        params,
        f.tz,
    )


# ---------------------------------------------------------------- hubspot


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def hubspot_rules(db: Published, f: Filters) -> pd.DataFrame:
    """Per HubSpot rule (email, security, live chat): compliance and response times."""
    where, params = _request_filter(f)
    return _fetch(
        db,
        f"""
        select
            rule_id,
            any_value(target_kind) as target_kind,
            any_value(target_value) as target_value,
            count(*) as requests,
            count(*) filter (where is_answered) as answered,
            count(*) filter (where sla_status = 'met') as met,
            count(*) filter (where sla_status = 'breached') as breached,
            count(*) filter (where sla_status = 'pending') as pending,
            met / nullif(met + breached, 0) as compliance,
            quantile_cont(response_hours, 0.5) as p50_hours,
            quantile_cont(response_hours, 0.9) as p90_hours,
            quantile_cont(response_business_hours, 0.5) as p50_business_hours,
            quantile_cont(response_business_hours, 0.9) as p90_business_hours
        from marts.fct_support_requests
        where source = 'hubspot' and {where}
        group by rule_id
        order by rule_id
        """,
        params,
    )


# ---------------------------------------------------------------- responders


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def first_responders(db: Published, f: Filters) -> pd.DataFrame:
    """First responses per person and kind, for requests inside the filters."""
    where, params = _request_filter(f, "q")
    return _fetch(
        db,
        f"""
        select
            r.responder,
            r.responder_kind,
            count(*) as first_responses,
            quantile_cont(q.response_hours, 0.5) as p50_hours,
            list(distinct q.source order by q.source) as sources
        from marts.fct_responses as r
        inner join marts.fct_support_requests as q on r.request_id = q.request_id
        where r.is_first_response and {where}
        group by r.responder, r.responder_kind
        order by first_responses desc, r.responder
        """,
        params,
    )


# ---------------------------------------------------------------- coverage gaps


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def arrivals_by_hour(db: Published, f: Filters) -> pd.DataFrame:
    """Arrivals and breaches by team-local ISO weekday (1 = Monday) and hour."""
    where, params = _request_filter(f)
    return _fetch(
        db,
        f"""
        select
            isodow(timezone(?, created_at)) as weekday,
            strftime(timezone(?, created_at), '%a') as weekday_name,
            hour(timezone(?, created_at)) as hour,
            count(*) as arrivals,
            count(*) filter (where sla_status = 'breached') as breaches
        from marts.fct_support_requests
        where {where}
        group by all
        order by weekday, hour
        """,
        [f.tz, f.tz, f.tz, *params],
    )


# ---------------------------------------------------------------- process-check reports


def _report_filter(db: Published, name: str, f: Filters) -> tuple[set[str], str, list]:
    """The report's columns, and a WHERE clause for the filters on the columns it has."""
    if name not in REPORTS:
        raise ValueError(f"unknown report {name!r}")
    columns = set(
        _fetch(
            db,
            "select column_name from information_schema.columns"
            " where table_schema = 'marts' and table_name = ?",
            [name],
        )["column_name"]
    )
    clauses, params = [], []
    if "created_at" in columns:
        clauses.append("timezone(?, created_at)::date between ? and ?")
        params += [f.tz, f.start, f.end]
    for column, values in (("channel", f.channels), ("rule_id", f.rules)):
        if column in columns and values:
            clauses.append(f"list_contains(?::varchar[], {column})")
            params.append(list(values))
    return columns, " and ".join(clauses) or "true", params


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def report(db: Published, name: str, f: Filters, failing: str | None = None) -> pd.DataFrame:
    """A process-check report as published, narrowed by the filters on the columns it has.

    With `failing`, only the rows where that boolean check column is not true (the misrouted
    chats, the unlinked docs threads...).
    """
    columns, where, params = _report_filter(db, name, f)
    if not columns:
        return pd.DataFrame()
    if failing in columns:
        where += f" and not coalesce({failing}, false)"
    order = "created_at" if "created_at" in columns else "1"
    return _fetch(db, f"select * from marts.{name} where {where} order by {order}", params, f.tz)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def report_share(db: Published, name: str, column: str, f: Filters) -> dict:
    """Rows of a report inside the filters, how many have the boolean `column` true, the share."""
    columns, where, params = _report_filter(db, name, f)
    if column not in columns:
        return {"rows": 0, "true": 0, "share": None}
    row = _fetch_row(
        db,
        f"select count(*) as n, count(*) filter (where {column}) as yes"
        f" from marts.{name} where {where}",
        params,
    )
    rows, true = int(row["n"]), int(row["yes"])
    return {"rows": rows, "true": true, "share": true / rows if rows else None}


def _num(value) -> float:
    return 0.0 if pd.isna(value) else float(value)


def _opt(value) -> float | None:
    return None if pd.isna(value) else float(value)
