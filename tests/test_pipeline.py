"""End to end: the real taps over HTTP against the sandbox, the real loader, real DuckDB files.

Reconciliation: the distinct keys of every raw table equal the records the API exposes for the
matching dataset collection, with nothing lost and nothing duplicated. Then the dataset changes
and one incremental run must bring every change in without re-reading everything.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from covered.sandbox.generate import generate
from tests.conftest import TEST_ANCHOR, TEST_SEED, run_pipeline

CHECK_MARK = "white_check_mark"


def load(dataset: Path, name: str) -> list[dict]:
    path = dataset / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def save(dataset: Path, name: str, items: list[dict]) -> None:
    (dataset / name).write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")


def is_top_level(message: dict) -> bool:
    return (
        "thread_ts" not in message
        or message["thread_ts"] == message["ts"]
        or message.get("subtype") == "thread_broadcast"
    )


def expected_keys(dataset: Path) -> dict[str, set[tuple]]:
    """What a lossless extract must hold, table by table, as the APIs expose the dataset."""
    messages = load(dataset, "slack/messages.json")
    parents = {(m["channel"], m["ts"]) for m in messages if is_top_level(m)}
    replies = {
        (m["channel"], m["ts"])
        for m in messages
        if "thread_ts" in m
        and m["thread_ts"] != m["ts"]
        and (m["channel"], m["thread_ts"]) in parents
    }

    def ids(name: str) -> set[tuple]:
        return {(str(item["id"]),) for item in load(dataset, name)}

    return {
        "raw_slack.channels": ids("slack/channels.json"),
        "raw_slack.users": ids("slack/users.json"),
        "raw_slack.usergroups": ids("slack/usergroups.json"),
        "raw_slack.messages": parents,
        "raw_slack.threads": replies,
        "raw_github.repositories": ids("github/repos.json"),
        "raw_github.organization_members": {
            (m["org"], str(m["id"])) for m in load(dataset, "github/members.json")
        },
        "raw_github.issues": ids("github/issues.json"),
        "raw_github.issue_comments": ids("github/issue_comments.json"),
        "raw_github.pull_requests": ids("github/pulls.json"),
        "raw_github.reviews": ids("github/reviews.json"),
        "raw_github.review_comments": ids("github/review_comments.json"),
        "raw_hubspot.owners": ids("hubspot/owners.json"),
        "raw_hubspot.tickets": ids("hubspot/tickets.json"),
        "raw_hubspot.threads": ids("hubspot/threads.json"),
        "raw_hubspot.messages": ids("hubspot/messages.json"),
    }


KEY_COLUMNS = {
    "raw_slack.messages": ("channel_id", "ts"),
    "raw_slack.threads": ("channel_id", "ts"),
    "raw_github.organization_members": ("org", "id"),
}


def warehouse_keys(warehouse: Path, table: str) -> list[tuple]:
    columns = ", ".join(f"cast({c} as varchar)" for c in KEY_COLUMNS.get(table, ("id",)))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [tuple(row) for row in con.execute(f"select {columns} from {table}").fetchall()]


def assert_reconciles(dataset: Path, warehouse: Path) -> None:
    for table, expected in expected_keys(dataset).items():
        keys = warehouse_keys(warehouse, table)
        assert len(keys) == len(set(keys)), f"{table} has duplicate keys"
        assert set(keys) == expected, (
            f"{table}: missing {sorted(expected - set(keys))[:5]}, "
            f"unexpected {sorted(set(keys) - expected)[:5]}"
        )


def test_default_batch_size_reconciles_every_table(pipeline_run):
    assert_reconciles(pipeline_run.dataset, pipeline_run.warehouse)
    assert "rows per stream:" in pipeline_run.output
    assert "time per stage:" in pipeline_run.output


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    generate(out, seed=TEST_SEED + 1, anchor=TEST_ANCHOR, scale=0.01)
    return out


@pytest.mark.parametrize("batch_size", [1, 3])
def test_small_batches_reconcile(tiny_dataset, tmp_path, monkeypatch, batch_size):
    monkeypatch.setenv("TARGET_DUCKDB_BATCH_SIZE_ROWS", str(batch_size))
    warehouse = tmp_path / "w.duckdb"
    run_pipeline(tiny_dataset, warehouse)
    assert_reconciles(tiny_dataset, warehouse)


def slack_ts(instant: datetime, micros: int) -> str:
    return f"{int(instant.timestamp())}.{micros:06d}"


def change_dataset(dataset: Path) -> dict:
    """Apply the changes a week of real life brings; return what to look for afterwards."""
    # The first run saw everything up to the anchor; changes come after it, as in real life.
    now = TEST_ANCHOR + timedelta(hours=1)
    messages = load(dataset, "slack/messages.json")
    channel = next(m["channel"] for m in messages if is_top_level(m))
    new_message = {
        "type": "message",
        "user": messages[0].get("user", "U0"),
        "channel": channel,
        "text": "new question after the first run",
        "ts": slack_ts(now, 111111),
    }
    twenty_days_ago = TEST_ANCHOR - timedelta(days=20)
    threaded = [
        m
        for m in messages
        if is_top_level(m) and m.get("reply_count", 0) > 0 and m.get("subtype") != "tombstone"
    ]
    old_thread = min(threaded, key=lambda m: abs(float(m["ts"]) - twenty_days_ago.timestamp()))
    new_reply = {
        "type": "message",
        "user": new_message["user"],
        "channel": old_thread["channel"],
        "text": "late reply on an old thread",
        "ts": slack_ts(now, 222222),
        "thread_ts": old_thread["ts"],
        "parent_user_id": old_thread.get("user"),
    }
    old_thread["reply_count"] += 1
    old_thread["latest_reply"] = new_reply["ts"]
    unmarked = [
        m
        for m in messages
        if is_top_level(m)
        and m is not old_thread
        and "thread_ts" in m
        and float(m["ts"]) > (TEST_ANCHOR - timedelta(days=25)).timestamp()
        and not any(r["name"] == CHECK_MARK for r in m.get("reactions", []))
    ]
    marked = unmarked[0]
    marked.setdefault("reactions", []).append({"name": CHECK_MARK, "users": ["U1"], "count": 1})
    save(dataset, "slack/messages.json", [*messages, new_message, new_reply])

    tickets = load(dataset, "hubspot/tickets.json")
    ticket = tickets[0]
    ticket["properties"]["subject"] = "edited after the first run"
    edited_at = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    ticket["properties"]["hs_lastmodifieddate"] = edited_at
    ticket["updatedAt"] = edited_at
    save(dataset, "hubspot/tickets.json", tickets)

    pulls = load(dataset, "github/pulls.json")
    reviews = load(dataset, "github/reviews.json")
    pull = pulls[0]
    review_time = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    new_review = dict(
        reviews[0],
        id=max(r["id"] for r in reviews) + 1,
        submitted_at=review_time,
        pull_request_url=pull["url"],
        body="review after the first run",
    )
    pull["updated_at"] = review_time  # GitHub moves a PR's updated_at when it is reviewed
    issues = load(dataset, "github/issues.json")
    for issue in issues:
        if issue.get("pull_request", {}).get("url") == pull["url"]:
            issue["updated_at"] = review_time
    save(dataset, "github/pulls.json", pulls)
    save(dataset, "github/issues.json", issues)
    save(dataset, "github/reviews.json", [*reviews, new_review])
    return {
        "new_message": (new_message["channel"], new_message["ts"]),
        "new_reply": (new_reply["channel"], new_reply["ts"]),
        "marked": (marked["channel"], marked["ts"]),
        "ticket": (str(ticket["id"]), ticket["properties"]["subject"]),
        "review": str(new_review["id"]),
    }


def request_total(warehouse: Path) -> int:
    stats = json.loads(
        (warehouse.with_name(f"{warehouse.name}.logs") / "sandbox-stats.json").read_text()
    )
    return stats["total"]


def test_incremental_run_brings_every_change_without_rereading(pipeline_run, tmp_path):
    dataset = tmp_path / "dataset"
    shutil.copytree(pipeline_run.dataset, dataset)
    warehouse = tmp_path / "w.duckdb"
    for suffix in ("", ".state"):
        source = pipeline_run.warehouse.with_name(pipeline_run.warehouse.name + suffix)
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, warehouse.with_name(warehouse.name + suffix))
    full_requests = request_total(pipeline_run.warehouse)
    changes = change_dataset(dataset)

    run_pipeline(dataset, warehouse)

    assert_reconciles(dataset, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        reactions = con.execute(
            "select reactions from raw_slack.messages where channel_id = ? and ts = ?",
            list(changes["marked"]),
        ).fetchone()[0]
        assert CHECK_MARK in reactions
        ticket_id, subject = changes["ticket"]
        assert con.execute(
            "select subject from raw_hubspot.tickets where id = ?", [ticket_id]
        ).fetchone() == (subject,)
        assert con.execute(
            "select count(*) from raw_github.reviews where cast(id as varchar) = ?",
            [changes["review"]],
        ).fetchone() == (1,)
    incremental_requests = request_total(warehouse)
    assert incremental_requests < full_requests / 2, (incremental_requests, full_requests)


def test_rerun_without_changes_is_idempotent(pipeline_run, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(pipeline_run.warehouse, warehouse)
    # No state: a full re-read into a warehouse that already holds everything.
    run_pipeline(pipeline_run.dataset, warehouse)
    assert_reconciles(pipeline_run.dataset, warehouse)
