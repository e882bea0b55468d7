"""The dashboard and the pipeline at the same time: neither blocks the other, and a reader never
sees a half-built copy."""

from __future__ import annotations

import shutil
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
