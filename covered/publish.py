"""Publish the marts as a read-only copy for the dashboard and ad-hoc SQL.

The dashboard must never open the file the pipeline writes: any DuckDB connection, even a
read-only one, makes the next writer fail with "Could not set lock". So after every successful
build the marts (and the config they were built with) are copied into a new file, which then
replaces the published one with an atomic rename. Readers see the old copy or the new one,
never a half-written file, and a failed run leaves the last good copy in place.

This module needs only the standard library and duckdb: Meltano runs it as `warehouse:publish`
(`python -m covered.publish` from the project root) in a venv of its own.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts", "config")
# A build that produced no requests fact is not worth publishing over the last good copy.
REQUIRED_TABLE = ("marts", "fct_support_requests")


class PublishError(Exception):
    """The warehouse cannot be published; the message says why."""


def publish(warehouse: Path, published: Path) -> dict[str, int]:
    """Copy the published schemas of `warehouse` into `published` atomically.

    Returns the row count of every table copied, keyed `schema.table`.
    """
    if not warehouse.exists():
        raise PublishError(f"warehouse {warehouse} does not exist; run the pipeline first")
    published.parent.mkdir(parents=True, exist_ok=True)
    staging = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    staging.unlink(missing_ok=True)
    try:
        counts = _copy_schemas(warehouse, staging)
        with open(staging, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(staging, published)
    finally:
        staging.unlink(missing_ok=True)
    return counts


def _copy_schemas(warehouse: Path, target: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with duckdb.connect(str(target)) as con:
        # ATTACH takes no parameters: quote the path as a SQL string literal.
        quoted = "'" + str(warehouse).replace("'", "''") + "'"
        con.execute(f"attach {quoted} as source (read_only)")
        relations = con.execute(
            """
            select table_schema, table_name
            from information_schema.tables
            where table_catalog = 'source' and table_schema in (select unnest(?))
            order by table_schema, table_name
            """,
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        if REQUIRED_TABLE not in relations:
            schema, table = REQUIRED_TABLE
            raise PublishError(
                f"{warehouse} has no {schema}.{table}: the dbt build did not finish; "
                "the last published copy is kept"
            )
        for schema in sorted({schema for schema, _ in relations}):
            con.execute(f'create schema "{schema}"')
        for schema, table in relations:
            con.execute(
                f'create table "{schema}"."{table}" as select * from source."{schema}"."{table}"'
            )
            counts[f"{schema}.{table}"] = con.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchone()[0]
        con.execute("detach source")
        con.execute("checkpoint")
    return counts


def default_paths() -> tuple[Path, Path]:
    """The warehouse and published paths from the environment Meltano or the pipeline sets."""
    try:
        return Path(os.environ["COVERED_WAREHOUSE"]), Path(os.environ["COVERED_PUBLISHED"])
    except KeyError as missing:
        raise PublishError(f"environment variable {missing} is not set") from None


def main() -> int:
    started = time.monotonic()
    try:
        warehouse, published = default_paths()
        counts = publish(warehouse, published)
    except (PublishError, duckdb.Error) as error:
        print(f"publish: error: {error}", file=sys.stderr)
        return 1
    rows = sum(counts.values())
    print(
        f"publish: {len(counts)} tables, {rows} rows -> {published} "
        f"in {time.monotonic() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
