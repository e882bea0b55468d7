"""Loader benchmark (issue 7 part 1): records/s into DuckDB for Slack-message-shaped records.

Measures, on the same N records:
  (a) our loader, the real `target-covered-duckdb` executable, fed a Singer stream on stdin;
  (b) the released target-duckdb 0.8.0 (with duckdb 1.2.2, the last release it loads correctly
      with) in its own venv under benchmarks/work/, made with uv; installing it is setup, not timed;
  (c) DuckDB's own read_json of the same records (a JSON-lines file) into a table with the same
      column types.
Each is timed end to end as a fresh process writing a new DuckDB file (best of --repeat runs),
and each result is checked to hold all N rows. Every process runs with its bytecode cached, as an
installed plugin does: an untimed warm-up run on a few records fills a cache under
benchmarks/work/ (a shell with PYTHONDONTWRITEBYTECODE set, over a venv installed without
bytecode, would otherwise recompile every module on each start, about 1 s of CPU).
The ratios and raw figures are merged into benchmarks/results.json.

    .venv/bin/python benchmarks/bench_loader.py [--records N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from target_covered_duckdb.columns import columns_from_schema

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
RESULTS = ROOT / "benchmarks" / "results.json"
OUR_LOADER = ROOT / ".venv" / "bin" / "target-covered-duckdb"
RELEASED = {"target-duckdb": "0.8.0", "duckdb": "1.2.2"}
RELEASED_VENV = WORK / f"target-duckdb-{RELEASED['target-duckdb']}-venv"
STREAM = "messages"
SCHEMA = "raw_slack"
KEYS = ["channel_id", "ts"]
WARMUP_RECORDS = 100  # the untimed run that fills the bytecode cache

_nullable = {"type": ["null", "string"]}
_json_array = {"type": ["null", "array"], "items": {"type": "object"}}
MESSAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "channel_id": {"type": "string"},
        "ts": {"type": "string"},
        "ts_at": {"type": ["null", "string"], "format": "date-time"},
        "type": _nullable,
        "subtype": _nullable,
        "user": _nullable,
        "bot_id": _nullable,
        "username": _nullable,
        "text": _nullable,
        "thread_ts": _nullable,
        "reply_count": {"type": ["null", "integer"]},
        "reply_users_count": {"type": ["null", "integer"]},
        "latest_reply": _nullable,
        "reply_users": {"type": ["null", "array"], "items": {"type": "string"}},
        "reactions": _json_array,
        "edited": {"type": ["null", "object"], "properties": {"user": _nullable, "ts": _nullable}},
        "files": _json_array,
        "attachments": _json_array,
        "blocks": _json_array,
        "client_msg_id": _nullable,
    },
}

_WORDS = [
    "meltano",
    "run",
    "elt",
    "tap",
    "target",
    "state",
    "catalog",
    "dbt",
    "duckdb",
    "error",
    "traceback",
    "config",
    "env",
    "plugin",
    "install",
    "lock",
    "schema",
    "stream",
    "selected",
    "incremental",
    "bookmark",
    "replication",
    "key",
    "docs",
    "issue",
]
_EMOJI = ["🎉", "👍", "🚀", "😅", "🙏", "✅", "🤔", "🔥"]
_REACTIONS = ["white_check_mark", "eyes", "tada", "+1", "heart", "pray", "rocket"]


def slack_message(rng: random.Random, i: int, base_ts: int) -> dict:
    """One message in the shape the Slack tap emits (see docs/architecture.md, raw_slack)."""
    seconds = base_ts + i * 37
    ts = f"{seconds}.{rng.randrange(1_000_000):06d}"
    user = f"U{rng.randrange(400):05d}"
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 60))]
    words.insert(rng.randrange(len(words)), rng.choice(_EMOJI))
    text = f"<@U{rng.randrange(400):05d}> " + " ".join(words)
    threaded = rng.random() < 0.4
    reply_users = [f"U{rng.randrange(400):05d}" for _ in range(rng.randint(1, 3))]
    return {
        "channel_id": f"C{rng.randrange(6):08d}",
        "ts": ts,
        "ts_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{ts[-6:]}Z",
        "type": "message",
        "subtype": None,
        "user": user,
        "bot_id": None,
        "username": None,
        "text": text,
        "thread_ts": ts if threaded else None,
        "reply_count": rng.randint(1, 12) if threaded else None,
        "reply_users_count": len(reply_users) if threaded else None,
        "latest_reply": f"{seconds + 600}.000100" if threaded else None,
        "reply_users": reply_users if threaded else None,
        "reactions": [
            {"name": name, "users": reply_users, "count": len(reply_users)}
            for name in rng.sample(_REACTIONS, rng.randint(0, 3))
        ]
        or None,
        "edited": {"user": user, "ts": f"{seconds + 30}.000200"} if rng.random() < 0.2 else None,
        "files": None,
        "attachments": None,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": f"b{i:07d}",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "client_msg_id": f"{rng.getrandbits(128):032x}",
    }


def generate(records: int, singer_file: Path, native_file: Path) -> None:
    rng = random.Random(42)
    base_ts = 1_761_955_200  # 2025-11-01T00:00:00Z
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    extracted = "2025-11-02T00:00:00+00:00"
    with (
        singer_file.open("w", encoding="utf-8") as singer,
        native_file.open("w", encoding="utf-8") as native,
    ):
        schema = {"type": "SCHEMA", "stream": STREAM, "schema": MESSAGE_SCHEMA}
        singer.write(dumps({**schema, "key_properties": KEYS}) + "\n")
        for i in range(records):
            record = dumps(slack_message(rng, i, base_ts))
            message = f'{{"type":"RECORD","stream":"{STREAM}","record":{record},'
            singer.write(f'{message}"time_extracted":"{extracted}"}}\n')
            native.write(record + "\n")
        singer.write(dumps({"type": "STATE", "value": {"bookmarks": {STREAM: {"n": records}}}}))
        singer.write("\n")


def ensure_released_venv() -> Path:
    """target-duckdb 0.8.0 with duckdb 1.2.2 in its own venv (setup, not timed)."""
    python = RELEASED_VENV / "bin" / "python"
    marker = RELEASED_VENV / "installed.json"
    if marker.exists() and json.loads(marker.read_text()) == RELEASED:
        return RELEASED_VENV / "bin" / "target-duckdb"
    subprocess.run(["uv", "venv", "-q", "-p", "3.11", str(RELEASED_VENV)], check=True)
    pins = [f"{name}=={version}" for name, version in RELEASED.items()]
    subprocess.run(["uv", "pip", "install", "-q", "-p", str(python), *pins], check=True)
    marker.write_text(json.dumps(RELEASED))
    return RELEASED_VENV / "bin" / "target-duckdb"


def rows_in(db: Path, table: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def cached_bytecode_env() -> dict[str, str]:
    """The environment of every timed process: bytecode written to and read from WORK."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(WORK / "pycache")}


def timed(
    command: list[str], stdin: Path | None, db: Path, table: str, records: int
) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh run into a new file, checked for all rows."""
    db.unlink(missing_ok=True)
    db.with_name(db.name + ".wal").unlink(missing_ok=True)
    with stdin.open("rb") if stdin else open(os.devnull, "rb") as source:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            command, stdin=source, capture_output=True, check=False, env=cached_bytecode_env()
        )
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"{command[0]} failed:\n{done.stderr.decode()[-2000:]}")
    loaded = rows_in(db, table)
    if loaded != records:
        sys.exit(f"{command[0]} loaded {loaded} rows of {records}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def native_command(native_file: Path, db: Path) -> list[str]:
    types = {c.name: c.type for c in columns_from_schema(MESSAGE_SCHEMA)}
    script = (
        "import duckdb, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute(f'CREATE SCHEMA {sys.argv[3]}')\n"
        'con.execute(f"CREATE TABLE {sys.argv[3]}.messages AS SELECT * FROM read_json('
        "'{sys.argv[2]}', format='newline_delimited', columns={sys.argv[4]})\")\n"
        "con.close()\n"
    )
    return [sys.executable, "-c", script, str(db), str(native_file), SCHEMA, repr(types)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per loader; best is kept")
    args = parser.parse_args()
    if args.records < 1 or args.repeat < 1:
        parser.error("--records and --repeat must be at least 1")

    WORK.mkdir(parents=True, exist_ok=True)
    released = ensure_released_venv()
    ours_cfg, released_cfg = WORK / "ours.json", WORK / "target-duckdb.json"
    ours_db, released_db, native_db = (WORK / f"{n}.duckdb" for n in ("ours", "released", "native"))
    ours_cfg.write_text(json.dumps({"path": str(ours_db), "default_target_schema": SCHEMA}))
    released_cfg.write_text(json.dumps({"path": str(released_db), "default_target_schema": SCHEMA}))
    table = f"{SCHEMA}.{STREAM}"

    def runs(singer_file: Path, native_file: Path) -> dict[str, tuple]:
        return {
            "target-covered-duckdb": (
                [str(OUR_LOADER), "--config", str(ours_cfg)],
                singer_file,
                ours_db,
            ),
            f"target-duckdb {RELEASED['target-duckdb']}": (
                [str(released), "--config", str(released_cfg)],
                singer_file,
                released_db,
            ),
            "duckdb read_json": (native_command(native_file, native_db), None, native_db),
        }

    warmup_files = WORK / "warmup.singer.jsonl", WORK / "warmup.jsonl"
    generate(WARMUP_RECORDS, *warmup_files)
    for cmd, stdin, db in runs(*warmup_files).values():
        timed(cmd, stdin, db, table, WARMUP_RECORDS)
    singer_file, native_file = WORK / "messages.singer.jsonl", WORK / "messages.jsonl"
    generate(args.records, singer_file, native_file)
    best = {
        name: min(timed(cmd, stdin, db, table, args.records) for _ in range(args.repeat))
        for name, (cmd, stdin, db) in runs(singer_file, native_file).items()
    }
    rate = {name: args.records / wall for name, (wall, _) in best.items()}
    ours, released_rate, native = rate.values()

    print(f"{args.records} Slack messages, best of {args.repeat} runs (process start included)")
    print(f"{'loader':<28}{'wall s':>8}{'CPU s':>8}{'records/s':>12}")
    for name, (wall, cpu) in best.items():
        print(f"{name:<28}{wall:>8.2f}{cpu:>8.2f}{rate[name]:>12,.0f}")
    figures = {
        "loader_vs_duckdb_native": round(ours / native, 3),
        "loader_vs_target_duckdb": round(ours / released_rate, 3),
        "loader_records_per_s": round(ours),
        "target_duckdb_records_per_s": round(released_rate),
        "duckdb_native_records_per_s": round(native),
        "loader_bench_records": args.records,
    }
    for name in ("loader_vs_duckdb_native", "loader_vs_target_duckdb"):
        print(f"{name:<28}{figures[name]:>8}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**results, **figures}, indent=2) + "\n")


if __name__ == "__main__":
    main()
