"""Shared fixtures: one small generated dataset and one real pipeline run for the whole suite.

The pipeline run is the expensive part (Meltano, three taps, the loader, dbt), so it happens
once per session and every test that needs a built warehouse reuses it.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from covered.sandbox.generate import generate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COVERED = Path(sys.executable).with_name("covered")
TEST_SEED = 7
TEST_SCALE = 0.05
TEST_ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class PipelineRun:
    dataset: Path
    config: Path
    warehouse: Path
    published: Path
    output: str


def pipeline_command(dataset: Path, warehouse: Path, *extra: str) -> list[str]:
    """The real `covered pipeline` CLI on a dataset and its own generated config."""
    return [
        str(COVERED),
        "pipeline",
        "--data",
        str(dataset),
        "--config",
        str(dataset / "config"),
        "--as-of",
        TEST_ANCHOR.isoformat(),
        "--warehouse",
        str(warehouse),
        *extra,
    ]


def run_pipeline(
    dataset: Path, warehouse: Path, *extra: str, check: bool = True
) -> subprocess.CompletedProcess:
    command = pipeline_command(dataset, warehouse, *extra)
    completed = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=1800
    )
    if check and completed.returncode != 0:
        pytest.fail(
            f"covered pipeline failed ({completed.returncode}):\n"
            f"{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
        )
    return completed


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dataset")
    generate(out, seed=TEST_SEED, anchor=TEST_ANCHOR, scale=TEST_SCALE)
    return out


@pytest.fixture(scope="session")
def pipeline_run(small_dataset, tmp_path_factory) -> PipelineRun:
    warehouse = tmp_path_factory.mktemp("warehouse") / "test.duckdb"
    completed = run_pipeline(small_dataset, warehouse)
    return PipelineRun(
        dataset=small_dataset,
        config=small_dataset / "config",
        warehouse=warehouse,
        published=warehouse.with_name("test.published.duckdb"),
        output=completed.stdout,
    )


@pytest.fixture(scope="session")
def published_db(pipeline_run) -> Path:
    return pipeline_run.published


@pytest.fixture(scope="session")
def empty_published_db(published_db, tmp_path_factory) -> Path:
    """A published file with every table of the real one, and no rows."""
    empty = tmp_path_factory.mktemp("empty") / "empty.published.duckdb"
    with duckdb.connect(str(empty)) as con:
        quoted = "'" + str(published_db).replace("'", "''") + "'"
        con.execute(f"attach {quoted} as source (read_only)")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'source'"
        ).fetchall()
        for schema in {schema for schema, _ in tables}:
            con.execute(f'create schema "{schema}"')
        for schema, table in tables:
            con.execute(
                f'create table "{schema}"."{table}" as '
                f'select * from source."{schema}"."{table}" limit 0'
            )
    return empty
