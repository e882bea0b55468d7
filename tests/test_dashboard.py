"""The dashboard through streamlit.testing.v1.AppTest, on the real published copy.

Every figure checked here is recomputed with its own SQL on the same file: the tests do not call
covered.queries, so a wrong query shows up as a mismatch.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import covered.queries
from pages import _ui
from pages._ui import csv_bytes

APP = Path(covered.queries.__file__).resolve().parent.parent / "app.py"
PAGES = (
    "pages/overview.py",
    "pages/queue.py",
    "pages/slack.py",
    "pages/github.py",
    "pages/hubspot.py",
    "pages/responders.py",
    "pages/coverage_gaps.py",
)
TIMEOUT = 60


def sql(path: Path, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def one(path: Path, query: str, params: list | None = None):
    return sql(path, query, params)[0][0]


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def open_page(path: Path, page: str | None = None, monkeypatch=None) -> AppTest:
    monkeypatch.setenv("COVERED_PUBLISHED", str(path))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r}; have {[m.label for m in at.metric]}"
    return values[0]


def metrics(at: AppTest, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def team_tz(path: Path) -> str:
    return one(path, "select any_value(timezone) from config.settings")


def date_range(at: AppTest) -> tuple:
    start, end = at.date_input(key="filter_dates").value
    return start, end


def in_range(at: AppTest, path: Path) -> tuple[str, list]:
    """SQL condition for requests inside the sidebar's date range, in the team time zone."""
    start, end = date_range(at)
    return "timezone(?, created_at)::date between ? and ?", [team_tz(path), start, end]


def walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def section(at: AppTest, heading: str):
    """The table under a subheader, or the caption saying it is empty (charts are skipped)."""
    elements = [n for n in walk(at.main) if not hasattr(n, "children")]
    for index, node in enumerate(elements):
        if node.type == "subheader" and node.value == heading:
            return next(n for n in elements[index + 1 :] if n.type in ("dataframe", "caption"))
    raise AssertionError(f"no section {heading!r}")


def section_rows(at: AppTest, heading: str) -> int:
    node = section(at, heading)
    return len(node.value) if node.type == "dataframe" else 0


def report_rows(path: Path, name: str, at: AppTest, true: str | None = None) -> int:
    """Rows of a process-check report inside the sidebar's date range (when it has dates),
    or only those where the boolean column `true` is true."""
    columns = {
        c
        for (c,) in sql(
            path,
            "select column_name from information_schema.columns"
            " where table_schema = 'marts' and table_name = ?",
            [name],
        )
    }
    where, params = in_range(at, path) if "created_at" in columns else ("true", [])
    if true:
        where += f" and {true} is true"
    return one(path, f"select count(*) from marts.{name} where {where}", params)


# ---------------------------------------------------------------- no data


@pytest.mark.parametrize("page", PAGES)
def test_missing_file_explains_how_to_build(page, tmp_path, monkeypatch):
    at = open_page(tmp_path / "nothing.duckdb", page, monkeypatch)
    assert "make demo" in at.info[0].value
    assert "covered pipeline" in at.info[0].value
    assert not at.metric and not at.dataframe


@pytest.mark.parametrize("page", PAGES)
def test_empty_published_copy_explains_how_to_build(page, empty_published_db, monkeypatch):
    at = open_page(empty_published_db, page, monkeypatch)
    assert "no support requests" in at.info[0].value
    assert "make demo" in at.info[0].value
    assert not at.metric and not at.dataframe


def test_unreadable_file_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_text("not a database")
    at = open_page(garbage, None, monkeypatch)
    assert "cannot be read" in at.info[0].value


def test_a_copy_from_other_models_is_a_message_not_a_traceback(published_db, tmp_path, monkeypatch):
    other = tmp_path / "other.duckdb"
    shutil.copy(published_db, other)
    with duckdb.connect(str(other)) as con:
        con.execute("alter table marts.rpt_queue drop column hours_to_deadline")
    at = open_page(other, "pages/queue.py", monkeypatch)
    assert "does not have what this page reads" in at.error[0].value
    assert "hours_to_deadline" in at.text[0].value


# ---------------------------------------------------------------- every page, its numbers


def test_overview_numbers_match_the_marts(published_db, monkeypatch):
    at = open_page(published_db, "pages/overview.py", monkeypatch)
    tz = team_tz(published_db)
    this_week = one(
        published_db,
        "select date_trunc('week', timezone(?, as_of))::date from marts.meta_build",
        [tz],
    )
    met, breached, requests = sql(
        published_db,
        "select coalesce(sum(met), 0), coalesce(sum(breached), 0), coalesce(sum(requests), 0)"
        " from marts.agg_coverage_weekly where week_start = ?",
        [this_week],
    )[0]
    assert metric(at, "Attainment this week") == pct(share(met, met + breached))
    assert metric(at, "Requests this week") == str(requests)
    assert metric(at, "Unanswered now") == str(
        one(published_db, "select count(*) from marts.rpt_queue")
    )
    p50 = one(
        published_db,
        "select quantile_cont(response_hours, 0.5) from marts.fct_support_requests"
        " where date_trunc('week', timezone(?, created_at))::date = ?",
        [tz, this_week],
    )
    assert metric(at, "p50 first response") == ("—" if p50 is None else f"{p50:.1f} h")

    table = at.dataframe[0].value
    assert table["requests_this_week"].sum() == requests
    queue_by_rule = dict(
        sql(published_db, "select rule_id, count(*) from marts.rpt_queue group by rule_id")
    )
    assert table.groupby("rule_id")["unanswered_now"].sum().to_dict() == queue_by_rule


def test_queue_lists_every_unanswered_request_most_urgent_first(published_db, monkeypatch):
    at = open_page(published_db, "pages/queue.py", monkeypatch)
    expected = [
        r[0]
        for r in sql(published_db, "select request_id from marts.rpt_queue order by urgency_rank")
    ]
    overdue = one(published_db, "select count(*) from marts.rpt_queue where hours_to_deadline < 0")
    assert expected, "the test dataset should leave something unanswered"
    table = at.dataframe[0].value
    assert list(table["request_id"]) == expected
    assert metric(at, "Unanswered") == str(len(expected))
    assert metric(at, "Overdue") == str(overdue)
    # Links are clickable link columns, not text.
    assert json.loads(at.dataframe[0].proto.columns)["link"]["type_config"]["type"] == "link"


def test_tables_read_as_words_not_column_names(published_db, monkeypatch):
    at = open_page(published_db, "pages/queue.py", monkeypatch)
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["rule_id"]["label"] == "Rule ID"
    assert columns["hours_to_deadline"]["label"] == "Hours to deadline"
    assert _ui.header("p50_hours_this_week") == "Median hours this week"
    assert _ui.header("is_likely_staff") == "Likely staff?"
    assert _ui.header("ack_sla_status") == "Ack SLA status"


def test_a_long_queue_shows_the_most_urgent_and_counts_them_all(published_db, monkeypatch):
    monkeypatch.setattr(_ui, "MAX_TABLE_ROWS", 3)
    at = open_page(published_db, "pages/queue.py", monkeypatch)
    expected = [
        r[0]
        for r in sql(published_db, "select request_id from marts.rpt_queue order by urgency_rank")
    ]
    assert len(expected) > 3, "the test dataset should leave more than 3 unanswered"
    assert list(at.dataframe[0].value["request_id"]) == expected[:3]
    assert metric(at, "Unanswered") == str(len(expected))
    shown = f"The 3 most urgent of {len(expected):,} are shown; the CSV has them all."
    assert shown in [c.value for c in at.caption]


def test_slack_shares_match_the_marts(published_db, monkeypatch):
    at = open_page(published_db, "pages/slack.py", monkeypatch)
    where, params = in_range(at, published_db)
    answered, community, handled = sql(
        published_db,
        "select count(*) filter (where is_answered),"
        " count(*) filter (where is_answered and first_responder_kind = 'community'),"
        " count(*) filter (where is_answered and is_handled)"
        f" from marts.fct_support_requests where source = 'slack' and {where}",
        params,
    )[0]
    escalations, tagged = sql(
        published_db,
        "select count(*), count(*) filter (where is_tagged) from marts.fct_support_requests"
        f" where is_tagged is not null and {where}",
        params,
    )[0]
    assert metric(at, "Community answer share") == pct(share(community, answered))
    assert metric(at, "✅ coverage") == pct(share(handled, answered))
    assert metric(at, "Escalations tagged") == pct(share(tagged, escalations))
    for heading, report in (
        ("Answered but not marked ✅", "rpt_unmarked_threads"),
        ("Escalations", "rpt_escalations"),
        ("Docs follow-up", "rpt_docs_followup"),
    ):
        assert section_rows(at, heading) == report_rows(published_db, report, at), heading
    docs = report_rows(published_db, "rpt_docs_followup", at)
    linked = report_rows(published_db, "rpt_docs_followup", at, "has_github_link")
    assert metric(at, "Docs questions with a linked issue or PR") == pct(share(linked, docs))


def test_github_groups_match_the_marts(published_db, monkeypatch):
    at = open_page(published_db, "pages/github.py", monkeypatch)
    where, params = in_range(at, published_db)
    groups = sql(
        published_db,
        "select repo_group, count(*), count(*) filter (where sla_status = 'met'),"
        " count(*) filter (where sla_status = 'breached')"
        f" from marts.fct_support_requests where source = 'github' and {where}"
        " group by repo_group order by repo_group",
        params,
    )
    assert [h.value for h in at.header] == [g[0] for g in groups]
    assert metrics(at, "Requests") == [str(g[1]) for g in groups]
    expected = [pct(share(m, m + b)) if m + b else "no SLA" for _, _, m, b in groups]
    assert metrics(at, "Attainment") == expected
    # The Singer ecosystem has no target: it is tracked, never a breach.
    no_sla = sql(
        published_db,
        "select count(*) filter (where sla_status in ('met', 'breached'))"
        " from marts.fct_support_requests where source = 'github' and target_kind = 'none'",
    )[0][0]
    assert no_sla == 0


def test_hubspot_compliance_matches_the_marts(published_db, monkeypatch):
    at = open_page(published_db, "pages/hubspot.py", monkeypatch)
    where, params = in_range(at, published_db)
    rules = sql(
        published_db,
        "select rule_id, count(*) filter (where sla_status = 'met'),"
        " count(*) filter (where sla_status = 'breached')"
        f" from marts.fct_support_requests where source = 'hubspot' and {where}"
        " group by rule_id order by rule_id",
        params,
    )
    assert rules, "the test dataset has HubSpot requests"
    for rule_id, met, breached in rules:
        assert metric(at, f"{rule_id} compliance") == pct(share(met, met + breached))
    assert section_rows(at, "Update gaps on open security reports") == report_rows(
        published_db, "rpt_security_update_gaps", at
    )
    breached = report_rows(published_db, "rpt_security_update_gaps", at, "is_gap_breached")
    gaps = report_rows(published_db, "rpt_security_update_gaps", at)
    assert metric(at, "Open security reports past the update target") == f"{breached} of {gaps}"

    chats = report_rows(published_db, "rpt_live_chat_routing", at)
    routed = report_rows(published_db, "rpt_live_chat_routing", at, "is_routed_correctly")
    assert metric(at, "Chats routed to the right owner") == pct(share(routed, chats))
    assert section_rows(at, "Misrouted chats") == chats - routed


def test_responders_match_the_marts(published_db, monkeypatch):
    at = open_page(published_db, "pages/responders.py", monkeypatch)
    where, params = in_range(at, published_db)
    kinds = sql(
        published_db,
        "select r.responder_kind, count(*) from marts.fct_responses as r"
        " inner join marts.fct_support_requests as q on r.request_id = q.request_id"
        f" where r.is_first_response and {where.replace('created_at', 'q.created_at')}"
        " group by r.responder_kind",
        params,
    )
    assert kinds
    for kind, count in kinds:
        assert metric(at, f"First responses by {kind}") == str(count)
    people = section(at, "First responses by person").value
    assert people["first_responses"].sum() == sum(count for _, count in kinds)
    assert section_rows(at, "Unknown responders") == report_rows(
        published_db, "rpt_unknown_responders", at
    )


def test_coverage_gaps_match_the_marts(published_db, monkeypatch):
    at = open_page(published_db, "pages/coverage_gaps.py", monkeypatch)
    where, params = in_range(at, published_db)
    arrivals, breaches = sql(
        published_db,
        "select count(*), count(*) filter (where sla_status = 'breached')"
        f" from marts.fct_support_requests where {where}",
        params,
    )[0]
    assert metric(at, "Arrivals") == str(arrivals)
    assert metric(at, "Breaches") == str(breaches)


# ---------------------------------------------------------------- interactions


def test_channel_filter_narrows_the_figures_and_follows_to_other_pages(published_db, monkeypatch):
    at = open_page(published_db, "pages/overview.py", monkeypatch)
    channel, unanswered = sql(
        published_db,
        "select channel, count(*) from marts.rpt_queue group by channel"
        " order by count(*) desc, channel limit 1",
    )[0]
    at.multiselect(key="filter_channels").set_value([channel]).run()
    assert metric(at, "Unanswered now") == str(unanswered)

    at.switch_page("pages/queue.py").run()
    assert at.multiselect(key="filter_channels").value == [channel]
    assert set(at.dataframe[0].value["channel"]) == {channel}
    assert metric(at, "Unanswered") == str(unanswered)


def test_rule_filter_narrows_the_queue(published_db, monkeypatch):
    at = open_page(published_db, "pages/queue.py", monkeypatch)
    rule, count = sql(
        published_db,
        "select rule_id, count(*) from marts.rpt_queue group by rule_id"
        " order by count(*) desc, rule_id limit 1",
    )[0]
    at.multiselect(key="filter_rules").set_value([rule]).run()
    assert metric(at, "Unanswered") == str(count)
    assert set(at.dataframe[0].value["rule_id"]) == {rule}


def test_queue_source_filter_and_search(published_db, monkeypatch):
    at = open_page(published_db, "pages/queue.py", monkeypatch)
    source, count = sql(
        published_db,
        "select source, count(*) from marts.rpt_queue group by source order by source limit 1",
    )[0]
    at.multiselect(key="queue_sources").set_value([source]).run()
    assert metric(at, "Unanswered") == str(count)
    title = one(
        published_db, "select title from marts.rpt_queue where source = ? limit 1", [source]
    )
    needle = title[:12].lower()
    matching = one(
        published_db,
        "select count(*) from marts.rpt_queue where source = ?"
        " and contains(lower(coalesce(title, '') || ' ' || coalesce(requester, '')), ?)",
        [source, needle],
    )
    at.text_input(key="queue_search").set_value(needle).run()
    assert metric(at, "Unanswered") == str(matching)


def test_date_range_changes_the_coverage_gaps(published_db, monkeypatch):
    at = open_page(published_db, "pages/coverage_gaps.py", monkeypatch)
    start, end = date_range(at)
    narrow = (end - timedelta(days=13), end)
    at.date_input(key="filter_dates").set_value(narrow).run()
    arrivals = one(
        published_db,
        "select count(*) from marts.fct_support_requests"
        " where timezone(?, created_at)::date between ? and ?",
        [team_tz(published_db), *narrow],
    )
    assert metric(at, "Arrivals") == str(arrivals)
    assert narrow[0] > start, "the default range is wider than two weeks"


# ---------------------------------------------------------------- safety and freshness


def test_user_text_is_shown_as_text_never_html(published_db, monkeypatch):
    scripted = sql(
        published_db,
        "select request_id, title from marts.rpt_queue where title like '%<script>%'",
    )
    at = open_page(published_db, "pages/queue.py", monkeypatch)
    for node in walk(at._tree):
        assert not getattr(node, "allow_html", False), node
        if getattr(node, "type", "") == "markdown":
            assert "<script" not in node.value
    titles = set(at.dataframe[0].value["title"])
    for _, title in scripted:
        assert title in titles


def test_stale_data_is_flagged(published_db, tmp_path, monkeypatch):
    stale = tmp_path / "stale.duckdb"
    shutil.copy(published_db, stale)
    with duckdb.connect(str(stale)) as con:
        con.execute(
            "update marts.meta_build set built_at = ?", [datetime.now(UTC) - timedelta(hours=3)]
        )
    monkeypatch.setenv("COVERED_SCHEDULE_INTERVAL_MINUTES", "60")
    at = open_page(stale, None, monkeypatch)
    assert any("Stale" in w.value for w in at.sidebar.warning)

    monkeypatch.setenv("COVERED_SCHEDULE_INTERVAL_MINUTES", "600")
    at = open_page(stale, None, monkeypatch)
    assert not at.sidebar.warning
    assert any("refreshed" in c.value for c in at.sidebar.caption)


def test_schedule_interval_comes_from_meltano_yml(monkeypatch):
    monkeypatch.delenv("COVERED_SCHEDULE_INTERVAL_MINUTES", raising=False)
    minutes, source = covered.queries.schedule_interval_minutes()
    assert (minutes, source) == (60, "meltano.yml schedule @hourly")


def test_a_new_publish_shows_up_and_the_file_is_never_held_open(
    published_db, tmp_path, monkeypatch
):
    live = tmp_path / "live.duckdb"
    shutil.copy(published_db, live)
    at = open_page(live, "pages/queue.py", monkeypatch)
    before = int(metric(at, "Unanswered"))
    # Nothing is left open: a writer can lock the file right after a page rendered.
    with duckdb.connect(str(live)) as con:
        con.execute("select 1")
    # Publish a new copy the way covered.publish does: a whole file, renamed over the old one.
    staged = tmp_path / ".live.tmp"
    shutil.copy(published_db, staged)
    with duckdb.connect(str(staged)) as con:
        con.execute(
            "delete from marts.rpt_queue where request_id in"
            " (select request_id from marts.rpt_queue order by urgency_rank limit 1)"
        )
    os.replace(staged, live)
    at.run()
    assert int(metric(at, "Unanswered")) == before - 1


def test_csv_download_makes_formulas_inert():
    frame = pd.DataFrame(
        {"title": ['=HYPERLINK("http://x")', "plain", "-2+3"], "age_hours": [1.0, 2.0, -3.0]}
    )
    lines = csv_bytes(frame).decode().splitlines()
    assert lines[1].startswith("\"'=HYPERLINK")
    assert lines[2] == "plain,2.0"
    # Numbers stay numbers; only text that a spreadsheet would evaluate is escaped.
    assert lines[3] == "'-2+3,-3.0"
