"""`covered pipeline`: the scheduled Meltano job, run against the sandbox.

It starts the sandbox on a free loopback port serving a dataset directory, points the taps at
it, runs the `elt` job of meltano.yml task by task (extract-load blocks, the dbt build, the
publish step), prints progress and a summary, stops the sandbox, and exits non-zero on any
failure. Meltano's state lives beside the warehouse file, so a fresh warehouse never inherits
another one's bookmarks.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from covered.config import DEFAULT_CONFIG_DIR, ConfigError, validate_config_dir
from covered.sandbox import server as sandbox_server

PROJECT_ROOT = Path(__file__).resolve().parent.parent
JOB = "elt"
# The settings Meltano reads from the environment to point each tap at the sandbox.
SANDBOX_API_SETTINGS = {
    "TAP_SLACK_API_URL": "/slack/api",
    "TAP_GITHUB_API_URL_BASE": "/github",
    "TAP_HUBSPOT_API_URL": "/hubspot",
}
RAW_SCHEMAS = ("raw_slack", "raw_github", "raw_hubspot")
# A plugin's output line as Meltano relays it, e.g.
# "2026-11-27T02:59:48Z [info     ] dbt-duckdb     Binder Error: Values list ..."
RELAYED_LINE = re.compile(r"^\S+ \[\w+\s*\] (?P<plugin>[\w-]+) +(?P<message>.+)$")
# What a failure looks like in that message: a Python exception, one of our "x: error:" lines,
# or the loader's last line.
FAILURE = re.compile(r"\b\w*(?:Error|Exception)\b:|\berror: |^Load failed: ")
# Meltano's verdict on an extract-load block, to name the plugin that died without a word.
BLOCK_FAILED = re.compile(r"^(?P<who>Extractor|Loader|Extractor and loader) failed")
# What the Singer SDK logs when a stream fails; a tap that then exits with one plain line of its
# own (no exception name) has that line last.
SDK_SYNC_FAILED = re.compile(r"^An unhandled error occurred while syncing")
# A Singer SDK plugin stopped by SIGTERM/SIGINT says this, saves its state and exits 0, so
# Meltano counts the block as a success although the extract stopped half way.
STOPPED_BY_SIGNAL = re.compile(r"^(?:Gracefully shutting down|Received termination signal)")
# Third-party plugins whose auth failures name no fix: the fix to add to their error line.
KNOWN_FIXES = (
    (
        re.compile(r"^tap-github: .*\b40[13] Client Error"),
        "fix: check TAP_GITHUB_AUTH_TOKEN (it needs read access to the organizations' "
        "repositories and members)",
    ),
)
STOP_GRACE_SECONDS = 10


class PipelineError(Exception):
    """The run failed; the message is the one line a user needs."""


@dataclass
class PipelineOptions:
    data_dir: Path
    config_dir: Path = DEFAULT_CONFIG_DIR
    as_of: str | None = None
    warehouse: Path = PROJECT_ROOT / "warehouse" / "dev.duckdb"
    published: Path | None = None
    faults: Path | None = None

    @property
    def published_path(self) -> Path:
        if self.published is not None:
            return self.published
        return self.warehouse.with_name(f"{self.warehouse.stem}.published.duckdb")


@dataclass
class StageResult:
    task: str
    seconds: float


@dataclass
class PipelineResult:
    stages: list[StageResult] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    api_requests: dict = field(default_factory=dict)


def job_tasks(job: str = JOB) -> list[str]:
    """The tasks of a Meltano job, in order, as meltano.yml defines them."""
    project = yaml.safe_load((PROJECT_ROOT / "meltano.yml").read_text(encoding="utf-8"))
    for candidate in project.get("jobs", []):
        if candidate["name"] == job:
            return list(candidate["tasks"])
    raise PipelineError(f"meltano.yml has no job {job!r}")


def stage_environment(options: PipelineOptions, sandbox_url: str) -> dict[str, str]:
    # tap-github checks any GITHUB_TOKEN* it finds against the real api.github.com.
    env = {name: value for name, value in os.environ.items() if not name.startswith("GITHUB_TOKEN")}
    env.update({setting: sandbox_url + path for setting, path in SANDBOX_API_SETTINGS.items()})
    env.update(
        {
            "MELTANO_ENVIRONMENT": "dev",
            "MELTANO_STATE_BACKEND_URI": options.warehouse.with_name(
                f"{options.warehouse.name}.state"
            ).as_uri(),
            # Meltano's run records (and its "already running" lock) follow the warehouse too,
            # so pipelines on different warehouses never block each other.
            "MELTANO_DATABASE_URI": "sqlite:///"
            + str(options.warehouse.with_name(f"{options.warehouse.name}.meltano.db")),
            "COVERED_WAREHOUSE": str(options.warehouse),
            "COVERED_PUBLISHED": str(options.published_path),
            "COVERED_CONFIG_DIR": str(options.config_dir.resolve()),
            "COVERED_AS_OF": options.as_of or "",
        }
    )
    return env


def _relayed(log_text: str) -> list[re.Match]:
    return [match for match in map(RELAYED_LINE.match, log_text.splitlines()) if match]


def plugin_error(log_text: str, task: str = "") -> str | None:
    """The last failure a plugin reported, as 'plugin: message', from a Meltano log."""
    relayed = _relayed(log_text)
    failures = [
        f"{match['plugin']}: {match['message'].strip()}"
        for match in relayed
        if match["plugin"] != "meltano" and FAILURE.search(match["message"])
    ]
    if failures:
        detail = failures[-1]
        fix = next((fix for pattern, fix in KNOWN_FIXES if pattern.search(detail)), None)
        return f"{detail}; {fix}" if fix else detail
    failed = _failed_plugins(relayed, task)
    for plugin in failed:
        said = [m["message"].strip() for m in relayed if m["plugin"] == plugin]
        if any(SDK_SYNC_FAILED.match(line) for line in said):
            return f"{plugin}: {said[-1]}"
    return f"{' and '.join(failed)} stopped without an error message (killed?)" if failed else None


def _failed_plugins(relayed: list[re.Match], task: str) -> list[str]:
    """The plugins of an extract-load task that Meltano says failed."""
    words = task.split()
    for match in reversed(relayed):
        verdict = BLOCK_FAILED.match(match["message"]) if match["plugin"] == "meltano" else None
        if verdict and len(words) > 1:
            extractor, loader = words[0], words[-1]
            return {"Extractor": [extractor], "Loader": [loader]}.get(
                verdict["who"], [extractor, loader]
            )
    return []


def stopped_plugins(log_text: str) -> list[str]:
    """The plugins a signal stopped half way (they exit 0 all the same), in order."""
    return list(
        dict.fromkeys(
            m["plugin"]
            for m in _relayed(log_text)
            if m["plugin"] != "meltano" and STOPPED_BY_SIGNAL.match(m["message"])
        )
    )


def _run_stage(task: str, env: dict[str, str], log_path: Path) -> None:
    meltano = Path(sys.executable).with_name("meltano")
    with log_path.open("w", encoding="utf-8") as log:
        # A session of its own, so that stopping the run also stops the tap and the loader.
        process = subprocess.Popen(
            # --force: the DuckDB lock already keeps a second writer out, and a run that was
            # killed must not leave its Meltano run record blocking the next one.
            [str(meltano), "run", "--force", *task.split()],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait()
        except BaseException:
            _stop_process_group(process)
            raise
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    if returncode != 0:
        detail = plugin_error(log_text, task)
        raise PipelineError(
            f"stage '{task}' failed (exit {returncode})"
            + (f": {detail}" if detail else "")
            + f"; full log: {log_path}"
        )
    stopped = stopped_plugins(log_text)
    if stopped:
        raise PipelineError(
            f"stage '{task}' failed: {' and '.join(stopped)} stopped by a signal before the "
            "end; what was loaded is kept and a rerun completes it; "
            f"full log: {log_path}"
        )


def _stop_process_group(process: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=STOP_GRACE_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


def raw_row_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            """
            select table_schema, table_name from information_schema.tables
            where table_schema in (select unnest(?)) order by 1, 2
            """,
            [list(RAW_SCHEMAS)],
        ).fetchall()
        return {
            f"{schema}.{table}": con.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchone()[0]
            for schema, table in tables
        }


def run(options: PipelineOptions, progress=print) -> PipelineResult:
    """Run the whole job against a sandbox serving `options.data_dir`."""
    if not options.data_dir.is_dir():
        raise PipelineError(f"--data {options.data_dir}: not a directory")
    try:
        validate_config_dir(options.config_dir)
    except ConfigError as error:
        raise PipelineError(f"config: {error}") from None
    if options.faults is not None and not options.faults.is_file():
        raise PipelineError(f"--faults {options.faults}: no such file")
    options.warehouse.parent.mkdir(parents=True, exist_ok=True)
    log_dir = options.warehouse.with_name(f"{options.warehouse.name}.logs")
    log_dir.mkdir(exist_ok=True)

    result = PipelineResult()
    with _project_lock(progress):
        _run_job(options, log_dir, result, progress)
    result.rows = raw_row_counts(options.warehouse)
    return result


@contextmanager
def _project_lock(progress):
    """One pipeline at a time per checkout: Meltano writes each plugin's config and catalog
    under .meltano/run/, so two concurrent runs would overwrite each other's files."""
    lock_path = PROJECT_ROOT / ".meltano" / "covered-pipeline.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with lock_path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("waiting for another pipeline run in this project to finish ...")
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _run_job(options: PipelineOptions, log_dir: Path, result: PipelineResult, progress) -> None:
    sandbox = sandbox_server.start(options.data_dir, port=0, faults=options.faults)
    progress(f"sandbox serving {options.data_dir} at {sandbox.url}")
    try:
        env = stage_environment(options, sandbox.url)
        tasks = job_tasks()
        for number, task in enumerate(tasks, start=1):
            progress(f"[{number}/{len(tasks)}] {task} ...")
            started = time.monotonic()
            log_name = re.sub(r"[^\w-]+", "_", task)
            _run_stage(task, env, log_dir / f"{number:02d}-{log_name}.log")
            seconds = time.monotonic() - started
            result.stages.append(StageResult(task, seconds))
            progress(f"[{number}/{len(tasks)}] {task} done in {seconds:.1f} s")
    finally:
        result.api_requests = sandbox.stats()
        (log_dir / "sandbox-stats.json").write_text(json.dumps(result.api_requests, indent=2))
        sandbox.stop()


def summary(result: PipelineResult, options: PipelineOptions) -> str:
    lines = ["", "rows per stream:"]
    lines += [f"  {table:<36} {count:>9,}" for table, count in result.rows.items()]
    lines += ["time per stage:"]
    lines += [f"  {stage.task:<36} {stage.seconds:>8.1f} s" for stage in result.stages]
    total = sum(stage.seconds for stage in result.stages)
    lines += [f"  {'total':<36} {total:>8.1f} s"]
    lines += [f"API requests served by the sandbox: {result.api_requests.get('total', 0):,}", ""]
    lines += [f"warehouse: {options.warehouse}", f"published: {options.published_path}"]
    return "\n".join(lines)


def _terminate(signum, _frame):
    raise SystemExit(128 + signum)


def main(options: PipelineOptions) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        result = run(options, progress=lambda line: print(line, flush=True))
    except PipelineError as error:
        print(f"covered: error: {error}", file=sys.stderr)
        return 1
    print(summary(result, options))
    return 0
