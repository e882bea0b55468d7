"""tap-covered-hubspot against the sandbox over real HTTP, on a small hand-built dataset."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tap_covered_hubspot.streams import SEARCH_RESULT_CAP
from tap_covered_hubspot.tap import TapCoveredHubSpot

from tests.singer import parse_singer_output, sandboxes, sdk_tap_tests, write_dataset

TAP = Path(sys.executable).parent / "tap-covered-hubspot"
ANCHOR = datetime(2026, 10, 1, tzinfo=UTC)
SEARCH = "POST /crm/v3/objects/tickets/search"
MESSAGES = "GET /conversations/v3/conversations/threads/{thread_id}/messages"


def iso(hours: float) -> str:
    """HubSpot's encoding (milliseconds, Z) of an instant `hours` after the anchor."""
    at = ANCHOR + timedelta(hours=hours)
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ticket(ticket_id: str, created: float, modified: float, **props) -> dict:
    return {
        "id": ticket_id,
        "properties": {
            "hs_object_id": ticket_id,
            "subject": f"Ticket {ticket_id}",
            "content": "We need help",
            "createdate": iso(created),
            "hs_lastmodifieddate": iso(modified),
            "hs_ticket_category": "GENERAL_INQUIRY",
            "hubspot_owner_id": "501",
            "source_type": "EMAIL",
            "hs_pipeline": "0",
            "hs_pipeline_stage": "4",
            "hs_ticket_priority": "LOW",
            "first_agent_reply_date": iso(created + 2),
            "closed_date": iso(modified),
            "hs_conversations_originating_thread_id": None,
            **props,
        },
        "createdAt": iso(created),
        "updatedAt": iso(modified),
        "archived": False,
    }


def thread(thread_id: str, created: float, latest: float, ticket_id: str | None) -> dict:
    row = {
        "id": thread_id,
        "createdAt": iso(created),
        "status": "CLOSED",
        "closedAt": iso(latest + 1),
        "inboxId": "147001",
        "assignedTo": "A-9001",
        "originalChannelId": "1000",
        "originalChannelAccountId": "39001",
        "associatedContactId": "70001",
        "latestMessageTimestamp": iso(latest),
        "spam": False,
        "archived": False,
    }
    if ticket_id:
        row["threadAssociations"] = {"associatedTicketId": ticket_id}
    return row


def chat_message(message_id: str, thread_id: str, at: float, actor: str, direction: str) -> dict:
    return {
        "id": message_id,
        "threadId": thread_id,
        "type": "MESSAGE",
        "createdAt": iso(at),
        "updatedAt": iso(at),
        "createdBy": actor,
        "senders": [{"actorId": actor, "name": actor}],
        "text": f"message {message_id}",
        "direction": direction,
        "channelId": "1000",
        "channelAccountId": "39001",
        "truncationStatus": "NOT_TRUNCATED",
    }


def dataset() -> dict[str, list[dict]]:
    owners = [
        {
            "id": oid,
            "email": f"{first.lower()}@example.com",
            "firstName": first,
            "lastName": "Tester",
            "userId": user_id,
            "createdAt": iso(-900),
            "updatedAt": iso(-100),
            "archived": archived,
        }
        for oid, first, user_id, archived in [
            ("501", "Ada", 9001, False),
            ("502", "Bob", 9002, False),
            ("503", "Cyd", 9003, True),
        ]
    ]
    tickets = [
        ticket("1001", 0, 5),
        ticket("1002", 10, 30, first_agent_reply_date=""),
        ticket("1003", 20, 30, hs_ticket_category="SECURITY_ISSUE", first_agent_reply_date=None),
        ticket("1004", 40, 41, source_type="CHAT", hs_conversations_originating_thread_id="7002"),
        ticket("1005", 50, 60, closed_date=None, hs_pipeline_stage="1"),
    ]
    threads = [
        thread("7001", 1, 3, None),
        thread("7002", 39, 45, "1004"),
        thread("7003", 48, 52, None),
    ]
    messages = [
        chat_message("m1", "7001", 1, "V-70001", "INCOMING"),
        chat_message("m2", "7001", 2, "B-81234", "OUTGOING"),
        chat_message("m3", "7001", 3, "A-9001", "OUTGOING"),
        chat_message("m4", "7002", 39, "V-70001", "INCOMING"),
        chat_message("m5", "7002", 45, "A-9002", "OUTGOING"),
        chat_message("m6", "7003", 48, "V-70001", "INCOMING"),
        {**chat_message("m7", "7003", 52, "A-9001", "OUTGOING"), "type": "COMMENT"},
    ]
    return {"owners": owners, "tickets": tickets, "threads": threads, "messages": messages}


def calls(stats: dict, route: str) -> int:
    return stats["requests"].get(f"/hubspot {route}", 0)


def run_tap(tmp_path: Path, config: dict, state: dict | None = None, check: bool = True):
    """Run the real executable; return (records by stream, final state, process)."""
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    args = [str(TAP), "--config", str(config_file)]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    if check:
        assert proc.returncode == 0, proc.stderr[-3000:]
    records, final_state = parse_singer_output(proc.stdout)
    return records, final_state, proc


def ids(rows: list[dict]) -> Counter:
    return Counter(row["id"] for row in rows)


def once(rows: list[dict]) -> Counter:
    return Counter(str(row["id"]) for row in rows)


def bookmark(state: dict, stream: str) -> str:
    return state["bookmarks"][stream]["replication_key_value"]


@pytest.fixture
def sandbox(tmp_path):
    """Factory: a sandbox serving a dataset (the test one by default), optionally with faults."""
    with sandboxes(tmp_path, "hubspot", dataset) as make:
        yield make


def tap_config(server, **overrides) -> dict:
    return {"api_url": f"{server.url}/hubspot", "access_token": "pat-test", **overrides}


def test_full_sync_emits_every_record_once(sandbox, tmp_path):
    server, _ = sandbox()
    data = dataset()
    records, state, _ = run_tap(tmp_path, tap_config(server, page_size=2))

    for stream in ("owners", "tickets", "threads", "messages"):
        assert ids(records[stream]) == once(data[stream]), stream
    tickets = {r["id"]: r for r in records["tickets"]}
    source = {t["id"]: t["properties"] for t in data["tickets"]}
    for ticket_id, row in tickets.items():
        assert row["subject"] == source[ticket_id]["subject"]
        assert row["hs_lastmodifieddate"] == source[ticket_id]["hs_lastmodifieddate"]
    assert tickets["1002"]["first_agent_reply_date"] is None  # "" in HubSpot
    assert tickets["1003"]["hs_ticket_category"] == "SECURITY_ISSUE"
    assert tickets["1004"]["hs_conversations_originating_thread_id"] == "7002"
    assert tickets["1005"]["closed_date"] is None
    threads = {r["id"]: r for r in records["threads"]}
    assert threads["7002"]["associated_ticket_id"] == "1004"
    assert threads["7001"]["associated_ticket_id"] is None
    assert threads["7002"]["original_channel_id"] == "1000"
    messages = {r["id"]: r for r in records["messages"]}
    for row in data["messages"]:
        assert messages[row["id"]]["thread_id"] == row["threadId"]
        assert messages[row["id"]]["sender_actor_ids"] == [s["actorId"] for s in row["senders"]]
    assert {r["archived"] for r in records["owners"]} == {True, False}

    newest_ticket = max(t["properties"]["hs_lastmodifieddate"] for t in data["tickets"])
    assert bookmark(state, "tickets") == newest_ticket
    assert bookmark(state, "threads") == max(t["latestMessageTimestamp"] for t in data["threads"])
    assert "partitions" not in state["bookmarks"].get("messages", {})
    # Two per page: every listing was paged through `after`.
    stats = server.stats()
    assert calls(stats, SEARCH) == math.ceil(len(data["tickets"]) / 2)
    per_thread = Counter(m["threadId"] for m in data["messages"])
    assert calls(stats, MESSAGES) == sum(math.ceil(n / 2) for n in per_thread.values())


def test_incremental_run_reads_only_what_changed(sandbox, tmp_path):
    server, data_dir = sandbox()
    data = dataset()
    _, state, _ = run_tap(tmp_path, tap_config(server))
    full = server.stats()
    old_ticket_mark, old_thread_mark = bookmark(state, "tickets"), bookmark(state, "threads")

    # Since then: ticket 1002 is edited and thread 7001 gets a new chat message.
    edited = next(t for t in data["tickets"] if t["id"] == "1002")
    edited["properties"].update(hs_lastmodifieddate=iso(70), subject="Edited subject")
    edited["updatedAt"] = iso(70)
    new_message = chat_message("m8", "7001", 71, "A-9002", "OUTGOING")
    data["messages"].append(new_message)
    changed_thread = next(t for t in data["threads"] if t["id"] == "7001")
    changed_thread["latestMessageTimestamp"] = iso(71)
    write_dataset(data_dir, "hubspot", data)
    server.reload()
    server.reset_stats()

    records, new_state, _ = run_tap(tmp_path, tap_config(server), state=state)

    # What is at the old bookmark is read again (GTE), nothing older.
    assert ids(records["tickets"]) == once(
        t for t in data["tickets"] if t["properties"]["hs_lastmodifieddate"] >= old_ticket_mark
    )
    assert next(r for r in records["tickets"] if r["id"] == "1002")["subject"] == "Edited subject"
    reread = [t for t in data["threads"] if t["latestMessageTimestamp"] >= old_thread_mark]
    assert ids(records["threads"]) == once(reread)
    assert "7001" in ids(records["threads"])
    reread_ids = {t["id"] for t in reread}
    assert ids(records["messages"]) == once(
        m for m in data["messages"] if m["threadId"] in reread_ids
    )
    assert "m8" in ids(records["messages"])

    stats = server.stats()
    assert calls(stats, MESSAGES) == len(reread) < len(data["threads"]) == calls(full, MESSAGES)
    assert stats["total"] < full["total"]
    assert bookmark(new_state, "tickets") == iso(70)
    assert bookmark(new_state, "threads") == iso(71)


def test_search_restarts_at_the_result_cap(sandbox, tmp_path):
    """More tickets than one search may return, sharing a few instants, come out exactly once."""
    instants = 5
    per_instant = SEARCH_RESULT_CAP // instants + 30  # the cap falls inside the last instant
    tickets = [ticket(str(100_000 + n), 0, 1 + n % instants) for n in range(instants * per_instant)]
    server, _ = sandbox({"tickets": tickets})
    page = 200
    records, state, _ = run_tap(tmp_path, tap_config(server, page_size=page))

    assert ids(records["tickets"]) == once(tickets)
    assert bookmark(state, "tickets") == iso(instants)
    # The capped query, then one from the last instant seen, whose early part is skipped.
    restart = sum(1 for t in tickets if t["properties"]["hs_lastmodifieddate"] == iso(instants))
    expected = SEARCH_RESULT_CAP // page + math.ceil(restart / page)
    assert calls(server.stats(), SEARCH) == expected


def test_401_fails_at_once_with_a_clear_message(sandbox, tmp_path):
    server, _ = sandbox()
    _, _, proc = run_tap(tmp_path, tap_config(server, access_token=""), check=False)
    assert proc.returncode == 1
    assert "HubSpot refused GET /hubspot/crm/v3/owners with HTTP 401" in proc.stderr
    assert "check TAP_HUBSPOT_ACCESS_TOKEN" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert server.stats()["total"] == 1  # not retried


def test_transient_failures_are_retried(sandbox, tmp_path):
    # Above the first exponential wait (1 s plus under 1 s of jitter), so it shows in the log.
    retry_after = 2
    faults = [
        {
            "path": "/crm/v3/owners",
            "kind": "status",
            "status": 429,
            "retry_after": retry_after,
            "first": 1,
        },
        {"path": "/crm/v3/owners", "kind": "slow", "seconds": 3, "first": 1},
        {"path": "/crm/v3/objects/tickets/search", "kind": "status", "status": 503, "first": 1},
        {"path": "/conversations/v3/conversations/threads", "kind": "drop", "first": 1},
        {"path": "/conversations/*/messages", "kind": "truncate", "first": 1},
    ]
    server, _ = sandbox(faults=faults)
    data = dataset()
    records, _, proc = run_tap(tmp_path, tap_config(server, request_timeout=1))
    waited = re.search(r"Backing off ([\d.]+) seconds .* status 429", proc.stderr)
    assert waited is not None
    assert float(waited.group(1)) >= retry_after
    for stream in ("owners", "tickets", "threads", "messages"):
        assert ids(records[stream]) == once(data[stream]), stream
    stats = server.stats()
    assert calls(stats, SEARCH) == 2
    assert calls(stats, "GET /crm/v3/owners") == 2 + 2  # two partitions, a 429 and a timeout
    assert calls(stats, MESSAGES) == len(data["threads"]) + 1


# The Singer SDK's own tap tests, against the sandbox.
TestTapCoveredHubSpotSDK = sdk_tap_tests(
    TapCoveredHubSpot, {"access_token": "pat-test"}, "hubspot", "/hubspot", dataset
)
