"""The dashboard and the pipeline at the same time: neither blocks the other, and a reader never
sees a half-built copy."""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import signal
import subprocess
import time

import duckdb
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_ROOT, pipeline_command
from tests.test_dashboard import APP, TIMEOUT


def whole_copy_counts(published) -> tuple[int, int, int]:
    """Tables, requests and the build's own request count of one published file, read at once."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        tables = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone()[0]
        requests = con.execute("select count(*) from marts.fct_support_requests").fetchone()[0]
        built = con.execute("select requests from marts.meta_build").fetchone()[0]
        return tables, requests, built
    finally:
        con.close()


def test_dashboard_reads_while_the_pipeline_runs(pipeline_run, tmp_path, monkeypatch):
    warehouse = tmp_path / "live.duckdb"
    published = tmp_path / "live.published.duckdb"
    shutil.copy(pipeline_run.published, published)
    expected_tables = whole_copy_counts(published)[0]
    monkeypatch.setenv("COVERED_PUBLISHED", str(published))

    pipeline = subprocess.Popen(
        pipeline_command(pipeline_run.dataset, warehouse),
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    renders = 0
    seen_inodes = set()
    deadline = time.monotonic() + 1500
    while pipeline.poll() is None and time.monotonic() < deadline:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        at.switch_page("pages/queue.py").run()
        assert not at.exception, [e.value for e in at.exception]
        tables, requests, built = whole_copy_counts(published)
        assert tables == expected_tables
        assert requests == built, "a published copy disagrees with its own build"
        seen_inodes.add(published.stat().st_ino)
        renders += 1
    output = pipeline.communicate(timeout=60)[0]

    assert pipeline.returncode == 0, output[-3000:]
    assert "could not set lock" not in output.lower(), output[-3000:]
    assert renders >= 3
    # The run published a new copy over the one being read.
    seen_inodes.add(published.stat().st_ino)
    assert len(seen_inodes) >= 2
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception


def test_a_run_under_flock_and_covered_pipeline_take_turns(small_dataset, tmp_path):
    """docs/operations.md wraps the scheduled job in flock(1) on the pipeline's lock file."""
    flock = shutil.which("flock")
    assert flock, "flock(1) from util-linux, which docs/operations.md relies on, is missing"
    lock_path = PROJECT_ROOT / ".meltano" / "covered-pipeline.lock"
    lock_path.parent.mkdir(exist_ok=True)
    # A session of its own: flock's command inherits the lock, so both must go.
    scheduled = subprocess.Popen([flock, str(lock_path), "sleep", "600"], start_new_session=True)
    pipeline = None
    try:
        deadline = time.monotonic() + 60
        while not held_elsewhere(lock_path) and time.monotonic() < deadline:
            time.sleep(0.05)
        pipeline = subprocess.Popen(
            pipeline_command(small_dataset, tmp_path / "w.duckdb"),
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert next_line(pipeline).startswith("waiting for another pipeline run")
        os.killpg(scheduled.pid, signal.SIGKILL)
        assert next_line(pipeline).startswith("sandbox serving")
    finally:
        if scheduled.poll() is None:
            os.killpg(scheduled.pid, signal.SIGKILL)
        scheduled.wait()
        if pipeline is not None:
            pipeline.terminate()
            pipeline.communicate(timeout=120)


def next_line(process: subprocess.Popen, seconds: float = 120) -> str:
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    assert ready, f"no output from the pipeline in {seconds} s"
    return process.stdout.readline()


def held_elsewhere(lock_path) -> bool:
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False
