"""tap-covered-slack against the sandbox over real HTTP, on a small hand-built dataset."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tap_covered_slack.tap import TapCoveredSlack

from tests.singer import parse_singer_output, sandboxes, sdk_tap_tests, write_dataset

TAP = Path(sys.executable).parent / "tap-covered-slack"
ANCHOR = datetime(2026, 10, 1, tzinfo=UTC)
CHECK = "white_check_mark"


def slack_ts(days: float, micro: int) -> str:
    """A Slack ts `days` after the anchor; odd microseconds catch any float round trip."""
    seconds = int((ANCHOR + timedelta(days=days)).timestamp())
    return f"{seconds}.{micro:06d}"


def message(channel: str, ts: str, text: str, user: str = "U1", **extra) -> dict:
    return {"channel": channel, "type": "message", "ts": ts, "user": user, "text": text, **extra}


def parent(channel: str, ts: str, text: str, replies: list[dict], **extra) -> list[dict]:
    """A thread parent carrying reply_count/latest_reply as Slack does, then its replies."""
    head = message(
        channel,
        ts,
        text,
        thread_ts=ts,
        reply_count=len(replies),
        reply_users_count=len({r["user"] for r in replies}),
        reply_users=sorted({r["user"] for r in replies}),
        latest_reply=max(r["ts"] for r in replies),
        **extra,
    )
    return [head, *replies]


def reply(channel: str, thread_ts: str, ts: str, text: str, user: str = "U2", **extra) -> dict:
    return message(channel, ts, text, user=user, thread_ts=thread_ts, **extra)


# Parents in C1 (support): P1 40 days before the last message (outside the lookback after a
# first sync), P2 20 days (gets a new reply), P3 10 days (gets a late check mark), P4 with a
# thread_broadcast reply, M5 from the live-chat bot.
P1, P2, P3, P4, M5 = (slack_ts(d, m) for d, m in [(-40, 1), (-20, 3), (-10, 5), (-5, 7), (-1, 9)])
Q1 = slack_ts(-3, 11)


def dataset() -> dict[str, list[dict]]:
    messages = [
        *parent(
            "C1",
            P1,
            "old question",
            [reply("C1", P1, slack_ts(-39.9, 21), "a"), reply("C1", P1, slack_ts(-39, 23), "b")],
        ),
        *parent("C1", P2, "slow thread", [reply("C1", P2, slack_ts(-19, 25), "first answer")]),
        message("C1", P3, "answered elsewhere", user="U3"),
        *parent(
            "C1",
            P4,
            "with broadcast",
            [
                reply("C1", P4, slack_ts(-4.9, 27), "answer"),
                reply("C1", P4, slack_ts(-4.8, 29), "also here", subtype="thread_broadcast"),
            ],
        ),
        message(
            "C1",
            M5,
            "chat from visitor",
            user=None,
            subtype="bot_message",
            bot_id="B1",
            username="livechat",
            reactions=[{"name": "eyes", "users": ["U1"], "count": 1}],
            edited={"user": "U1", "ts": slack_ts(-0.9, 31)},
        ),
        *parent("C2", Q1, "random chat", [reply("C2", Q1, slack_ts(-2, 33), "reply", user="U1")]),
        message("C3", slack_ts(-2, 35), "release notes", user="U2"),
    ]
    for row in messages:
        if row["user"] is None:
            del row["user"]
    channel_names = {"C1": "support", "C2": "random", "C3": "announcements"}
    channels = [
        {
            "id": cid,
            "name": name,
            "created": int(ANCHOR.timestamp()) - 400 * 86400,
            "is_private": False,
            "is_archived": False,
            "is_general": name == "announcements",
            "topic": {"value": f"{name} topic", "creator": "U1", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "num_members": 3,
        }
        for cid, name in channel_names.items()
    ]
    users = [
        {
            "id": uid,
            "team_id": "T1",
            "name": name,
            "real_name": name.title(),
            "deleted": False,
            "is_bot": uid == "U9",
            "is_app_user": False,
            "tz": "Europe/Amsterdam",
            "updated": int(ANCHOR.timestamp()),
            "profile": {"real_name": name.title(), "display_name": name},
        }
        for uid, name in [("U1", "ada"), ("U2", "bob"), ("U3", "cyd"), ("U9", "livechat")]
    ]
    usergroups = [
        {
            "id": "S1",
            "team_id": "T1",
            "handle": "meltano-engineering",
            "name": "Engineering",
            "description": "",
            "is_external": False,
            "date_create": int(ANCHOR.timestamp()) - 300 * 86400,
            "date_update": int(ANCHOR.timestamp()) - 30 * 86400,
            "date_delete": 0,
            "users": ["U1", "U2"],
            "user_count": 2,
        }
    ]
    return {
        "channels": channels,
        "users": users,
        "usergroups": usergroups,
        "messages": messages,
    }


def top_level(rows: list[dict]) -> list[dict]:
    return [
        r
        for r in rows
        if r.get("thread_ts") in (None, r["ts"]) or r.get("subtype") == "thread_broadcast"
    ]


def replies(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r.get("thread_ts") not in (None, r["ts"])]


def calls(stats: dict, method: str) -> int:
    return sum(n for route, n in stats["requests"].items() if route.endswith(f"/{method}"))


def run_tap(tmp_path: Path, config: dict, state: dict | None = None, check: bool = True):
    """Run the real executable; return (records by stream, final state, process)."""
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    args = [str(TAP), "--config", str(config_file)]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    if check:
        assert proc.returncode == 0, proc.stderr[-3000:]
    records, final_state = parse_singer_output(proc.stdout)
    return records, final_state, proc


def channel_state(state: dict, channel_id: str) -> dict:
    partitions = state["bookmarks"]["messages"]["partitions"]
    return next(p for p in partitions if p["context"]["channel_id"] == channel_id)


def keys(rows: list[dict]) -> list[tuple[str, str]]:
    return sorted((r["channel_id"], r["ts"]) for r in rows)


def expected_keys(rows: list[dict]) -> list[tuple[str, str]]:
    return sorted((r["channel"], r["ts"]) for r in rows)


@pytest.fixture
def sandbox(tmp_path):
    """Factory: a sandbox serving the test dataset (optionally with fault rules)."""
    with sandboxes(tmp_path, "slack", dataset) as make:
        yield make


def tap_config(server, **overrides) -> dict:
    return {"api_url": f"{server.url}/slack/api", "token": "xoxb-test", **overrides}


def test_full_sync_emits_every_message_and_reply_once(sandbox, tmp_path):
    server, _ = sandbox()
    data = dataset()
    records, state, _ = run_tap(tmp_path, tap_config(server))

    assert keys(records["messages"]) == expected_keys(top_level(data["messages"]))
    assert keys(records["threads"]) == expected_keys(replies(data["messages"]))
    emitted = {(r["channel_id"], r["ts"]): r for r in records["messages"] + records["threads"]}
    for row in data["messages"]:
        out = emitted[(row["channel"], row["ts"])]
        assert out["ts"] == row["ts"]  # full precision, as a string
        assert datetime.fromisoformat(out["ts_at"]) == datetime.fromtimestamp(
            int(row["ts"].split(".")[0]), UTC
        ).replace(microsecond=int(row["ts"].split(".")[1]))
        assert out["text"] == row["text"]
    bot = emitted[("C1", M5)]
    assert (bot["subtype"], bot["bot_id"], bot["reactions"][0]["name"]) == (
        "bot_message",
        "B1",
        "eyes",
    )
    assert sorted(r["name"] for r in records["channels"]) == sorted(
        c["name"] for c in data["channels"]
    )
    assert {r["id"] for r in records["users"]} == {u["id"] for u in data["users"]}
    assert records["usergroups"][0]["users"] == ["U1", "U2"]
    assert records["usergroups"][0]["handle"] == "meltano-engineering"

    # One bookmark per channel, at its newest top-level message; no per-thread state.
    assert channel_state(state, "C1")["replication_key_value"] == M5
    assert channel_state(state, "C2")["replication_key_value"] == Q1
    assert "progress_markers" not in json.dumps(state)
    assert "partitions" not in state["bookmarks"].get("threads", {})
    # One page per channel and per thread at the default page size.
    stats = server.stats()
    assert calls(stats, "conversations.history") == len(data["channels"])
    assert calls(stats, "conversations.replies") == len(
        {(r["channel"], r["thread_ts"]) for r in replies(data["messages"])}
    )


def test_small_pages_give_the_same_records(sandbox, tmp_path):
    server, _ = sandbox()
    data = dataset()
    records, _, _ = run_tap(tmp_path, tap_config(server, page_size=2))
    assert keys(records["messages"]) == expected_keys(top_level(data["messages"]))
    assert keys(records["threads"]) == expected_keys(replies(data["messages"]))
    assert {r["id"] for r in records["users"]} == {u["id"] for u in data["users"]}
    assert calls(server.stats(), "conversations.history") > len(data["channels"])


def add_activity(server, data_dir: Path, data: dict) -> tuple[dict, dict]:
    """Since the first run: a new message, a new reply on the 20-day-old thread, ✅ on P3."""
    new_message = message("C1", slack_ts(0, 41), "new question")
    new_reply = reply("C1", P2, slack_ts(0.5, 43), "late answer", user="U1")
    for row in data["messages"]:
        if row["ts"] == P2:
            row.update(reply_count=2, latest_reply=new_reply["ts"], reply_users=["U1", "U2"])
        if row["ts"] == P3:
            row["reactions"] = [{"name": CHECK, "users": ["U2"], "count": 1}]
    data["messages"] += [new_message, new_reply]
    write_dataset(data_dir, "slack", data)
    server.reload()
    server.reset_stats()
    return new_message, new_reply


def test_incremental_sync_catches_new_replies_and_late_check_marks(sandbox, tmp_path):
    server, data_dir = sandbox()
    data = dataset()
    _, state, _ = run_tap(tmp_path, tap_config(server))
    full_history_calls = calls(server.stats(), "conversations.history")

    new_message, _ = add_activity(server, data_dir, data)

    records, new_state, _ = run_tap(tmp_path, tap_config(server), state=state)

    by_key = {(r["channel_id"], r["ts"]): r for r in records["messages"]}
    assert ("C1", new_message["ts"]) in by_key
    assert by_key[("C1", P3)]["reactions"][0]["name"] == CHECK
    assert by_key[("C1", P2)]["reply_count"] == 2
    assert ("C1", P1) not in by_key  # 40 days old: outside the lookback, not re-read
    assert keys(records["threads"]) == expected_keys(
        [r for r in replies(data["messages"]) if r.get("thread_ts") == P2]
    )
    stats = server.stats()
    assert calls(stats, "conversations.replies") == 1  # only the thread that changed
    assert calls(stats, "conversations.history") <= full_history_calls
    assert channel_state(new_state, "C1")["replication_key_value"] == new_message["ts"]

    # A third run with nothing new reads no thread at all.
    server.reset_stats()
    _, _, _ = run_tap(tmp_path, tap_config(server), state=new_state)
    assert calls(server.stats(), "conversations.replies") == 0


def test_channels_setting_limits_the_sync(sandbox, tmp_path):
    server, _ = sandbox()
    records, _, _ = run_tap(tmp_path, tap_config(server, channels=["support"]))
    assert {r["name"] for r in records["channels"]} == {"support"}
    assert {r["channel_id"] for r in records["messages"]} == {"C1"}


@pytest.mark.parametrize("form", ["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"])
def test_start_date_skips_older_history(sandbox, tmp_path, form):
    server, _ = sandbox()
    start_date = ANCHOR - timedelta(days=7)
    config = tap_config(server, start_date=start_date.strftime(form))
    records, state, _ = run_tap(tmp_path, config)
    assert all(datetime.fromisoformat(r["ts_at"]) > start_date for r in records["messages"])
    assert {r["ts"] for r in records["messages"]} >= {P4, M5}
    # With a bookmark, the later of start_date and the lookback still applies.
    records, _, _ = run_tap(tmp_path, config, state=state)
    assert all(datetime.fromisoformat(r["ts_at"]) > start_date for r in records["messages"])


@pytest.mark.parametrize(
    ("config_overrides", "expected"),
    [
        ({"token": ""}, "Slack conversations.list failed: not_authed"),
        ({"channels": ["no-such-channel"]}, "no channel named no-such-channel"),
        ({"start_date": "yesterday"}, "start_date is not an ISO 8601 date-time: 'yesterday'"),
    ],
    ids=["no-token", "unknown-channel", "bad-start-date"],
)
def test_errors_fail_loudly_in_one_line(sandbox, tmp_path, config_overrides, expected):
    server, _ = sandbox()
    _, _, proc = run_tap(tmp_path, tap_config(server, **config_overrides), check=False)
    assert proc.returncode == 1
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("method", "error", "expected"),
    [
        ("conversations.history", "channel_not_found", "channel_not_found (channel C"),
        ("conversations.list", "invalid_auth", "invalid_auth"),
        ("users.list", "missing_scope", "missing_scope"),
    ],
)
def test_slack_errors_fail_without_retry(sandbox, tmp_path, method, error, expected):
    server, _ = sandbox(faults=[{"path": f"/{method}", "kind": "slack_error", "error": error}])
    _, _, proc = run_tap(tmp_path, tap_config(server), check=False)
    assert proc.returncode == 1
    assert f"Slack {method} failed: {expected}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert calls(server.stats(), method) == 1


def test_ratelimited_is_retried_after_retry_after(sandbox, tmp_path):
    fault = {"path": "/conversations.history", "kind": "slack_error", "error": "ratelimited"}
    server, _ = sandbox(faults=[{**fault, "retry_after": 1, "first": 1}])
    started = time.monotonic()
    records, _, _ = run_tap(tmp_path, tap_config(server))
    assert time.monotonic() - started >= 1
    assert keys(records["messages"]) == expected_keys(top_level(dataset()["messages"]))
    assert calls(server.stats(), "conversations.history") == len(dataset()["channels"]) + 1


@pytest.mark.parametrize(
    ("rule", "config_overrides"),
    [
        ({"kind": "truncate"}, {}),
        ({"kind": "drop"}, {}),
        ({"kind": "slow", "seconds": 3}, {"request_timeout": 1}),
        ({"kind": "status", "status": 503}, {}),
    ],
    ids=["truncate", "drop", "timeout", "503"],
)
def test_broken_responses_are_retried(sandbox, tmp_path, rule, config_overrides):
    server, _ = sandbox(faults=[{"path": "/users.list", "first": 1, **rule}])
    records, _, _ = run_tap(tmp_path, tap_config(server, **config_overrides))
    assert {r["id"] for r in records["users"]} == {u["id"] for u in dataset()["users"]}
    assert calls(server.stats(), "users.list") == 2  # the broken try, then the page


def test_failed_run_keeps_the_bookmark_behind_unread_threads(sandbox, tmp_path):
    server, data_dir = sandbox()
    data = dataset()
    _, state, _ = run_tap(tmp_path, tap_config(server))
    new_message, new_reply = add_activity(server, data_dir, data)

    # The changed thread cannot be read: the run fails after emitting the new message.
    fault = {"path": "/conversations.replies", "kind": "slack_error", "error": "internal_error"}
    failing, _ = sandbox(data=data, faults=[{**fault, "first": 1}])
    records, failed_state, proc = run_tap(tmp_path, tap_config(failing), state=state, check=False)
    assert proc.returncode == 1
    assert "Slack conversations.replies failed: internal_error (channel C1)" in proc.stderr
    assert ("C1", new_message["ts"]) in keys(records["messages"])
    assert channel_state(failed_state, "C1")["replication_key_value"] == M5

    # The rerun from that state still reads the thread.
    records, _, _ = run_tap(tmp_path, tap_config(failing), state=failed_state)
    assert ("C1", new_reply["ts"]) in keys(records["threads"])


# The Singer SDK's own tap tests, against the sandbox.
TestTapCoveredSlackSDK = sdk_tap_tests(
    TapCoveredSlack, {"token": "xoxb-test"}, "slack", "/slack/api", dataset
)
