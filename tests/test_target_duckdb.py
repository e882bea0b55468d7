"""target-covered-duckdb: real Singer streams into the real executable, then query the file."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

TARGET = Path(sys.executable).parent / "target-covered-duckdb"
EXTRACTED = "2026-10-01T12:00:00+00:00"

MESSAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "channel_id": {"type": "string"},
        "ts": {"type": "string"},
        "ts_at": {"type": ["null", "string"], "format": "date-time"},
        "text": {"type": ["null", "string"]},
        "reply_count": {"type": ["null", "integer"]},
        "score": {"anyOf": [{"type": "number"}, {"type": "null"}]},
        "is_bot": {"type": ["null", "boolean"]},
        "reactions": {"type": ["null", "array"], "items": {"type": "object"}},
        "edited": {"type": ["null", "object"]},
        "reply_users": {"type": ["null", "array"], "items": {"type": "string"}},
    },
}


def schema(stream: str, properties: dict, keys: list[str] | None = None) -> dict:
    message = {"type": "SCHEMA", "stream": stream, "schema": properties}
    return message if keys is None else {**message, "key_properties": keys}


def record(stream: str, **values) -> dict:
    return {"type": "RECORD", "stream": stream, "record": values, "time_extracted": EXTRACTED}


def state(n: int) -> dict:
    return {"type": "STATE", "value": {"bookmarks": {"messages": {"n": n}}}}


def messages_schema() -> dict:
    return schema("messages", MESSAGE_SCHEMA, ["channel_id", "ts"])


def slack(i: int, text: str | None = None, **extra) -> dict:
    return record(
        "messages",
        channel_id="C1",
        ts=f"1760000000.{i:06d}",
        ts_at=f"2025-10-09T08:53:20.{i:06d}Z",
        text=text if text is not None else f"message {i} 🎉",
        **extra,
    )


def run_target(tmp_path: Path, lines: list[dict | str], **settings) -> subprocess.CompletedProcess:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"path": str(tmp_path / "warehouse.duckdb"), **settings}))
    stdin = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    return subprocess.run(
        [str(TARGET), "--config", str(config)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def loaded(tmp_path: Path, lines: list[dict | str], **settings) -> subprocess.CompletedProcess:
    done = run_target(tmp_path, lines, **settings)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def query(tmp_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def failed_with(done: subprocess.CompletedProcess) -> str:
    """The single error line of a failed run (and proof that no traceback was printed)."""
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "| ERROR" in line]
    assert len(errors) == 1, done.stderr[-3000:]
    return errors[0]


@pytest.mark.parametrize("batch_size", [1, 3, None])
def test_no_record_is_lost_at_any_batch_size(tmp_path, batch_size):
    settings = {"batch_size_rows": batch_size} if batch_size else {}
    loaded(tmp_path, [messages_schema(), *(slack(i) for i in range(10))], **settings)
    rows = query(tmp_path, "select ts from main.messages order by ts")
    assert [ts for (ts,) in rows] == [f"1760000000.{i:06d}" for i in range(10)]


def test_columns_follow_the_raw_table_contract(tmp_path):
    loaded(
        tmp_path,
        [
            messages_schema(),
            slack(
                1,
                reply_count=2,
                score=0.5,
                is_bot=False,
                reactions=[{"name": "white_check_mark", "users": ["U2"], "count": 1}],
                edited={"user": "U1", "ts": "1760000100.000200"},
                reply_users=["U2", "U3"],
            ),
        ],
        default_target_schema="raw_slack",
    )
    types = dict(
        query(
            tmp_path,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw_slack' and table_name = 'messages'",
        )
    )
    assert types == {
        "channel_id": "VARCHAR",
        "ts": "VARCHAR",
        "ts_at": "TIMESTAMP WITH TIME ZONE",
        "text": "VARCHAR",
        "reply_count": "BIGINT",
        "score": "DOUBLE",
        "is_bot": "BOOLEAN",
        "reactions": "JSON",
        "edited": "JSON",
        "reply_users": "JSON",
        "_sdc_extracted_at": "TIMESTAMP WITH TIME ZONE",
        "_sdc_received_at": "TIMESTAMP WITH TIME ZONE",
        "_sdc_batched_at": "TIMESTAMP WITH TIME ZONE",
        "_sdc_deleted_at": "TIMESTAMP WITH TIME ZONE",
        "_sdc_sequence": "BIGINT",
        "_sdc_table_version": "BIGINT",
        "_sdc_sync_started_at": "BIGINT",
    }
    [row] = query(
        tmp_path,
        "select reactions->0->>'name', edited->>'user', reply_users->>1, text, "
        "epoch_us(ts_at) % 1000000, _sdc_extracted_at = timestamptz '" + EXTRACTED + "', "
        "_sdc_received_at <= _sdc_batched_at, _sdc_sequence > 0, _sdc_sync_started_at > 0 "
        "from raw_slack.messages",
    )
    assert row == ("white_check_mark", "U1", "U3", "message 1 🎉", 1, True, True, True, True)


def test_upsert_latest_wins_within_and_across_batches_and_runs(tmp_path):
    first_run = [
        messages_schema(),
        slack(1, "one v1"),
        slack(2, "two v1"),
        slack(1, "one v2"),  # duplicate inside the first batch of 3
        slack(3, "three v1"),
        slack(2, "two v2"),  # replaces a row of the earlier batch
        slack(2, "two v3"),  # and a duplicate inside this batch
    ]
    loaded(tmp_path, first_run, batch_size_rows=3)
    loaded(tmp_path, [messages_schema(), slack(3, "three v2")])
    rows = query(tmp_path, "select ts[-1:], text from messages order by ts")
    assert rows == [("1", "one v2"), ("2", "two v3"), ("3", "three v2")]


def test_stream_whose_every_column_is_a_key(tmp_path):
    members = schema(
        "members",
        {"properties": {"group_id": {"type": "string"}, "user_id": {"type": "string"}}},
        ["group_id", "user_id"],
    )
    pairs = [("G1", "U1"), ("G1", "U2"), ("G1", "U1"), ("G2", "U1"), ("G1", "U2")]
    lines = [members, *(record("members", group_id=g, user_id=u) for g, u in pairs)]
    loaded(tmp_path, lines, batch_size_rows=2)
    rows = query(tmp_path, "select group_id, user_id from members order by all")
    assert rows == [("G1", "U1"), ("G1", "U2"), ("G2", "U1")]


def test_stream_without_a_key_appends(tmp_path):
    events = schema("events", {"properties": {"name": {"type": "string"}}})
    lines = [events, *(record("events", name="same") for _ in range(4))]
    loaded(tmp_path, lines, batch_size_rows=3)
    loaded(tmp_path, lines)
    assert query(tmp_path, "select count(*) from events") == [(8,)]


def test_schema_growth_mid_stream_adds_columns(tmp_path):
    v1 = {"properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    v2 = {
        "properties": {**v1["properties"], "closed_at": {"type": "string", "format": "date-time"}}
    }
    lines = [
        schema("tickets", v1, ["id"]),
        record("tickets", id=1, name="old"),
        record("tickets", id=2, name="kept"),
        schema("tickets", v2, ["id"]),
        record("tickets", id=1, name="new", closed_at="2026-10-02T09:30:00Z"),
        record("tickets", id=3, name="empty date", closed_at=""),
    ]
    loaded(tmp_path, lines)
    rows = query(
        tmp_path, "select id, name, strftime(closed_at, '%d %H:%M') from tickets order by id"
    )
    assert rows == [(1, "new", "02 09:30"), (2, "kept", None), (3, "empty date", None)]
    # A later run whose schema grows again alters the existing table.
    v3 = {"properties": {**v2["properties"], "labels": {"type": "array"}}}
    loaded(tmp_path, [schema("tickets", v3, ["id"]), record("tickets", id=2, labels=["bug"])])
    assert query(tmp_path, "select name, labels->>0 from tickets where id = 2") == [(None, "bug")]


def test_state_is_emitted_after_the_records_it_covers_are_committed(tmp_path):
    lines = [messages_schema(), slack(1), state(1), slack(2), slack(3), state(3), slack(4)]
    done = loaded(tmp_path, lines, batch_size_rows=2)
    emitted = [json.loads(line) for line in done.stdout.splitlines()]
    assert emitted, "no state was emitted"
    assert emitted[-1] == state(3)["value"]
    assert query(tmp_path, "select count(*) from messages") == [(4,)]

    # A run that fails part-way emits no state for records it did not commit.
    failing = [messages_schema(), slack(5), state(5), slack(6, reply_count="many")]
    done = run_target(tmp_path, failing, batch_size_rows=1)
    failed_with(done)
    assert done.stdout == ""
    assert query(tmp_path, "select count(*) from messages") == [(5,)]


def test_a_bad_value_fails_loudly_naming_stream_and_column(tmp_path):
    lines = [messages_schema(), slack(1), slack(2, reply_count="lots")]
    error = failed_with(run_target(tmp_path, lines))
    assert "stream 'messages'" in error
    assert "column 'reply_count' (BIGINT)" in error
    assert "'lots'" in error
    # The batch was one transaction: nothing of it is in the table.
    assert query(tmp_path, "select count(*) from messages") == [(0,)]


def test_a_record_without_its_key_fails_loudly(tmp_path):
    lines = [messages_schema(), record("messages", channel_id="C1", text="no ts")]
    assert "key property" in failed_with(run_target(tmp_path, lines))


def test_a_locked_file_gives_one_clear_line(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(database),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        error = failed_with(run_target(tmp_path, [messages_schema(), slack(1)]))
    finally:
        holder.communicate("", timeout=30)
    assert str(database) in error
    assert f"another process (PID {holder.pid}) holds its lock" in error
    # With the holder gone, the same load goes through: the failed run left no lock behind.
    loaded(tmp_path, [messages_schema(), slack(1)])


def test_messages_in_any_json_layout_and_validation_path(tmp_path):
    spaced = json.dumps(slack(1)) + "  "  # spaces after separators, as json.dumps writes
    reordered = json.dumps({"record": slack(2)["record"], "stream": "messages", "type": "RECORD"})
    lines = [messages_schema(), spaced, reordered, slack(3)]
    loaded(tmp_path, lines, validate_records=True)
    assert query(tmp_path, "select count(*), count(_sdc_extracted_at) from messages") == [(3, 2)]
    invalid = [messages_schema(), slack(4, reply_count="x")]
    error = failed_with(run_target(tmp_path, invalid, validate_records=True))
    assert "stream 'messages': field 'reply_count': 'x' is not of type" in error


def test_under_meltano_the_failure_is_the_last_line_as_it_is(tmp_path, monkeypatch):
    """Meltano hands every Singer SDK plugin a logging config of bare messages; ours follows it."""
    log_config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"bare": {"format": "%(message)s"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "bare",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["console"], "level": "INFO"},
    }
    (tmp_path / "logging.json").write_text(json.dumps(log_config))
    monkeypatch.setenv("SINGER_SDK_LOG_CONFIG", str(tmp_path / "logging.json"))
    done = run_target(tmp_path, [messages_schema(), slack(1, reply_count="lots")])
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith(
        "Load failed: stream 'messages': column 'reply_count' (BIGINT) cannot hold the value"
    )


def test_garbage_input_is_one_clear_line(tmp_path):
    error = failed_with(run_target(tmp_path, [messages_schema(), "{not json"]))
    assert "not valid JSON" in error


def test_a_plain_run_never_imports_the_singer_sdk(tmp_path):
    """Importing the SDK costs more than loading 20,000 records; only its extras need it."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"path": str(tmp_path / "warehouse.duckdb")}))
    singer_input = tmp_path / "input.jsonl"
    singer_input.write_text("".join(json.dumps(m) + "\n" for m in [messages_schema(), slack(1)]))
    importtime = [sys.executable, "-X", "importtime", str(TARGET)]
    done = subprocess.run(
        [*importtime, "--config", str(config), "--input", str(singer_input)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "duckdb" in imported
    assert not {name for name in imported if name.startswith("singer_sdk")}
    assert query(tmp_path, "select count(*) from messages") == [(1,)]


def test_stream_maps_take_the_sdk_path(tmp_path):
    stream_maps = {"messages": {"text": None, "channel_id": "channel_id.lower()"}}
    done = loaded(tmp_path, [messages_schema(), slack(1)], stream_maps=stream_maps)
    assert "Meltano SDK" in done.stderr
    columns = [name for (name,) in query(tmp_path, "select column_name from (describe messages)")]
    assert "text" not in columns
    assert query(tmp_path, "select channel_id from messages") == [("c1",)]


def test_about_is_the_sdks(tmp_path):
    done = subprocess.run(
        [str(TARGET), "--about", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    about = json.loads(done.stdout)
    assert {"path", "batch_size_rows", "load_method", "stream_maps"} <= set(
        about["settings"]["properties"]
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([slack(1)], "stream 'messages': RECORD arrived before its SCHEMA"),
        ([messages_schema(), {"type": "RECORD", "stream": "messages"}], "needs stream, record"),
        (
            [messages_schema(), {"type": "RECORD", "stream": "messages", "record": [1]}],
            "stream 'messages': a record is not an object",
        ),
        ([messages_schema(), {"type": "BOOKMARK"}], "unknown Singer message type 'BOOKMARK'"),
        ([["not", "a", "message"]], "not a Singer message (no type)"),
        (
            [messages_schema(), {"type": "BATCH", "stream": "messages", "manifest": []}],
            "BATCH messages are not supported",
        ),
    ],
)
def test_messages_the_loader_cannot_act_on_are_one_clear_line(tmp_path, lines, expected):
    assert expected in failed_with(run_target(tmp_path, lines))


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"batch_size_rows": "x"},
            "'x' is not of type 'integer', 'null' in config['batch_size_rows']",
        ),
        ({"batch_size_rows": 0}, "0 is less than the minimum of 1 in config['batch_size_rows']"),
        ({"load_method": "merge"}, "'merge' is not one of"),
    ],
)
def test_bad_settings_are_named(tmp_path, settings, expected):
    done = run_target(tmp_path, [messages_schema(), slack(1)], **settings)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert expected in done.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_a_missing_config_file_is_a_usage_error(tmp_path):
    done = subprocess.run(
        [str(TARGET), "--config", str(tmp_path / "missing.json")],
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "missing.json' was not found" in done.stdout + done.stderr


def test_sigterm_stops_with_one_clear_line_and_no_state(tmp_path):
    config = tmp_path / "config.json"
    database = tmp_path / "warehouse.duckdb"
    config.write_text(json.dumps({"path": str(database)}))
    target = subprocess.Popen(
        [str(TARGET), "--config", str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for message in (messages_schema(), slack(1), state(1)):
        target.stdin.write(json.dumps(message) + "\n")
    target.stdin.flush()
    deadline = time.monotonic() + 60
    while not database.exists() and time.monotonic() < deadline:  # the SCHEMA was read
        time.sleep(0.05)
    time.sleep(0.5)
    target.send_signal(signal.SIGTERM)
    stdout, stderr = target.communicate(timeout=60)
    done = subprocess.CompletedProcess(target.args, target.returncode, stdout, stderr)
    assert "Load failed: stopped by SIGTERM" in failed_with(done)
    assert stdout == ""
    # The file was released and nothing of the open batch was committed.
    assert query(tmp_path, "select count(*) from messages") == [(0,)]
