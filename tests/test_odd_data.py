"""Odd data: the run completes, loses nothing, and the models treat each case as the spec says.

The generator already mixes in emoji, right-to-left and CJK text, edited and deleted messages, a
reply whose parent is gone and timestamps at DST edges; this adds what it does not: a
40,000-character message, fields the schemas do not know, optional fields left out, a user
missing from users.list, and the same record served twice (with small pages).
"""

from __future__ import annotations

import csv
from datetime import timedelta

import duckdb
import pytest

from covered.sandbox.generate import generate
from tests.conftest import TEST_ANCHOR, TEST_SEED, run_pipeline
from tests.test_pipeline import assert_reconciles, is_top_level, load, save, slack_ts

LONG_TEXT = ("Why does my tap fail? 🤔 لماذا يفشل 为什么失败 " * 1000)[:40_000]
UNKNOWN_USER = "UNOTINLIST1"
UNKNOWN_HELPER = "UNOTINLIST2"


@pytest.fixture(scope="module")
def odd_run(tmp_path_factory):
    dataset = tmp_path_factory.mktemp("odd")
    generate(dataset, seed=TEST_SEED + 4, anchor=TEST_ANCHOR, scale=0.01)
    channels = load(dataset, "slack/channels.json")
    community = next(c["id"] for c in channels if c["name"] == "troubleshooting")
    asked = TEST_ANCHOR - timedelta(days=2)
    messages = load(dataset, "slack/messages.json")
    long_question = {
        "type": "message", "channel": community, "user": UNKNOWN_USER, "text": LONG_TEXT,
        "ts": slack_ts(asked, 424242), "thread_ts": slack_ts(asked, 424242), "reply_count": 1,
        "latest_reply": slack_ts(asked + timedelta(hours=1), 434343),
        "brand_new_field": {"nested": [1, 2, 3]},
    }  # fmt: skip
    answer = {
        "type": "message", "channel": community, "user": UNKNOWN_HELPER,
        "text": "Try `meltano install` first 👍", "ts": long_question["latest_reply"],
        "thread_ts": long_question["ts"],
    }  # fmt: skip
    duplicate = next(m for m in messages if is_top_level(m))
    save(dataset, "slack/messages.json", [*messages, long_question, answer, dict(duplicate)])

    issues = load(dataset, "github/issues.json")
    issues[0]["brand_new_field"] = "unknown to the tap's schema"
    save(dataset, "github/issues.json", [*issues, dict(issues[-1])])

    tickets = load(dataset, "hubspot/tickets.json")
    for optional in ("subject", "content", "hs_ticket_priority"):
        tickets[0]["properties"].pop(optional, None)
    save(dataset, "hubspot/tickets.json", [*tickets, dict(tickets[-1])])

    warehouse = dataset.parent / "odd.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        # Small pages, so the repeated records are served on different pages.
        patch.setenv("TAP_SLACK_PAGE_SIZE", "5")
        patch.setenv("TAP_HUBSPOT_PAGE_SIZE", "5")
        run_pipeline(dataset, warehouse)
    return dataset, warehouse, long_question


def test_nothing_lost_and_nothing_duplicated(odd_run):
    dataset, warehouse, _ = odd_run
    assert_reconciles(dataset, warehouse)


def test_long_text_is_kept_whole_and_titled_short(odd_run):
    _, warehouse, question = odd_run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        text = con.execute(
            "select text from raw_slack.messages where channel_id = ? and ts = ?",
            [question["channel"], question["ts"]],
        ).fetchone()[0]
        request = con.execute(
            """
            select rule_id, requester_kind, title, first_responder_kind, is_answered
            from marts.fct_support_requests where source_record_id = ?
            """,
            [f"{question['channel']}/{question['ts']}"],
        ).fetchone()
    assert text == LONG_TEXT
    rule_id, requester_kind, title, responder_kind, is_answered = request
    assert rule_id == "slack_community_24h"
    # A user missing from users.list is an unknown requester; an unknown replier is community.
    assert requester_kind == "unknown"
    assert (responder_kind, is_answered) == ("community", True)
    assert 0 < len(title) <= 200 and title.startswith("Why does my tap fail?")


def test_unknown_replier_is_listed_for_the_roster(odd_run):
    _, warehouse, _ = odd_run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        responders = {
            row[0] for row in con.execute(
                "select responder_id from marts.rpt_unknown_responders"
            ).fetchall()
        }  # fmt: skip
    assert UNKNOWN_HELPER in responders


def test_ticket_without_optional_properties_is_still_a_request(odd_run):
    dataset, warehouse, _ = odd_run
    ticket = load(dataset, "hubspot/tickets.json")[0]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select count(*) from marts.fct_support_requests where source_record_id = ?",
            [f"ticket:{ticket['id']}"],
        ).fetchone()[0]
    with (dataset / "config" / "settings.csv").open(newline="", encoding="utf-8") as handle:
        security_category = next(csv.DictReader(handle))["security_category"]
    is_request = ticket["properties"].get("source_type") == "EMAIL" or (
        ticket["properties"].get("hs_ticket_category") == security_category
    )
    assert "subject" not in ticket["properties"]
    assert rows == (1 if is_request else 0)
