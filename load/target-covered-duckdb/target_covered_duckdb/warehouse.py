"""The DuckDB side: one connection per run, tables from SCHEMA messages, one transaction per batch.

A batch arrives as a JSON-lines file of Singer RECORD messages, each with an arrival sequence
number `_q` spliced in. DuckDB's read_json parses it with explicit column types taken from the
stream's SCHEMA, so Python never parses or re-encodes a record.
"""

from __future__ import annotations

import logging
import re
import typing as t
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from target_covered_duckdb.columns import METADATA_COLUMNS, Column

if t.TYPE_CHECKING:
    from collections.abc import Sequence

# The types a JSON value can fail to convert to; VARCHAR and JSON take anything.
_CHECKED_TYPES = {"BIGINT", "DOUBLE", "BOOLEAN", "TIMESTAMPTZ"}
# duckdb_columns() spells some types differently from how we declare them.
_TYPE_ALIASES = {"TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ"}
_SHOWN_VALUE_CHARS = 80

logger = logging.getLogger("target-covered-duckdb")


class LoadError(Exception):
    """A failure the user can act on; reported as one line, without a traceback."""


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0]


@dataclass
class Batch:
    """What one drain of a sink loads."""

    stream: str
    schema: str
    table: str
    columns: Sequence[Column]
    keys: Sequence[str]
    file: Path
    batched_at: str  # ISO 8601
    sync_started_at: int  # epoch ms, as the Singer SDK records it
    first_sequence: int  # the batch's rows are those with _sdc_sequence in this range
    last_sequence: int
    truncate_first: bool = False  # load_method overwrite: empty the table in this transaction

    @property
    def qualified_table(self) -> str:
        return f"{ident(self.schema)}.{ident(self.table)}"


@dataclass
class Warehouse:
    """The DuckDB file, opened once per run."""

    path: Path
    con: duckdb.DuckDBPyConnection = field(init=False)

    def __post_init__(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(str(self.path))
        except OSError as exc:
            raise LoadError(f"cannot open {self.path}: {exc.strerror}") from None
        except duckdb.IOException as exc:
            message = str(exc)
            if "Could not set lock" in message:
                pid = re.search(r"PID (\d+)", message)
                holder = f"another process (PID {pid.group(1)})" if pid else "another process"
                raise LoadError(
                    f"cannot open {self.path}: {holder} holds its lock; "
                    "wait for it to finish or stop it, then rerun"
                ) from None
            raise LoadError(f"cannot open {self.path}: {first_line(exc)}") from None
        # Timestamps without an offset are taken as UTC, whatever the machine's zone.
        self.con.execute("SET TimeZone = 'UTC'")

    def close(self) -> None:
        self.con.close()

    def prepare_table(self, schema: str, table: str, columns: Sequence[Column]) -> None:
        """Create the table, or add the columns a grown schema brings."""
        wanted = [*columns, *(Column(n, ty) for n, ty in METADATA_COLUMNS.items())]
        qualified = f"{ident(schema)}.{ident(table)}"
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(schema)}")
        self.con.execute(
            f"CREATE TABLE IF NOT EXISTS {qualified} "
            f"({', '.join(f'{ident(c.name)} {c.type}' for c in wanted)})"
        )
        existing = {
            name.lower(): _TYPE_ALIASES.get(data_type, data_type)
            # Literals, not parameters: binding a parameter makes duckdb import pandas (~1 s).
            for name, data_type in self.con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE database_name = current_database() "
                f"AND lower(schema_name) = lower({literal(schema)}) "
                f"AND lower(table_name) = lower({literal(table)})"
            ).fetchall()
        }
        for column in wanted:
            current = existing.get(column.name.lower())
            if current is None:
                self.con.execute(
                    f"ALTER TABLE {qualified} ADD COLUMN {ident(column.name)} {column.type}"
                )
            elif current != column.type:
                # Retyping a loaded column could silently rewrite history; DuckDB casts each
                # new value to the existing type instead, and fails loudly when it cannot.
                logger.warning(
                    "table %s: column '%s' stays %s (the SCHEMA now says %s)",
                    qualified,
                    column.name,
                    current,
                    column.type,
                )

    def load(self, batch: Batch) -> tuple[int, int]:
        """Load one batch in one transaction; return (rows inserted, older rows replaced)."""
        target = batch.qualified_table
        self.con.begin()
        try:
            if batch.truncate_first:
                self.con.execute(f"DELETE FROM {target}")
            (inserted,) = self.con.execute(
                f"INSERT INTO {target} BY NAME {_select_sql(batch)}"
            ).fetchone()
            replaced = self._replace_older(batch) if batch.keys else 0
            self.con.commit()
        except LoadError:
            self.con.rollback()
            raise
        except duckdb.Error as exc:
            self.con.rollback()
            raise LoadError(self._explain(batch, exc)) from None
        return int(inserted), int(replaced)

    def _replace_older(self, batch: Batch) -> int:
        """Upsert by key: drop every row that a newer record of this batch supersedes.

        Inserting first and deleting after is cheaper than staging the batch: one pass over
        the batch's rows (those in its sequence range) handles both the rows of earlier loads
        and duplicates inside the batch, where the latest arrival wins.
        """
        target = batch.qualified_table
        new_rows = f"_sdc_sequence BETWEEN {batch.first_sequence} AND {batch.last_sequence}"
        missing_key = " OR ".join(f"{ident(k)} IS NULL" for k in batch.keys)
        (missing,) = self.con.execute(
            f"SELECT count(*) FROM {target} WHERE {new_rows} AND ({missing_key})"
        ).fetchone()
        if missing:
            keys = ", ".join(batch.keys)
            raise LoadError(
                f"stream '{batch.stream}': {missing} record(s) lack a value for a key "
                f"property ({keys})"
            )
        keys = ", ".join(ident(k) for k in batch.keys)
        same_key = " AND ".join(f"{target}.{ident(k)} = newer.{ident(k)}" for k in batch.keys)
        (replaced,) = self.con.execute(
            f"DELETE FROM {target} USING "
            f"(SELECT {keys}, _sdc_sequence AS newer_sequence FROM {target} WHERE {new_rows}) "
            f"AS newer WHERE {same_key} AND NOT coalesce({target}._sdc_sequence "
            f"BETWEEN newer.newer_sequence AND {batch.last_sequence}, false)"
        ).fetchone()
        return replaced

    def _explain(self, batch: Batch, exc: duckdb.Error) -> str:
        """Name the stream, column and value that DuckDB could not convert."""
        as_text = replace(batch, columns=[Column(c.name, "VARCHAR") for c in batch.columns])
        for column in batch.columns:
            if column.type not in _CHECKED_TYPES:
                continue
            value = ident(column.name)
            try:
                row = self.con.execute(
                    f"SELECT left({value}, {_SHOWN_VALUE_CHARS}) FROM ({_select_sql(as_text)}) "
                    f"WHERE {value} <> '' AND TRY_CAST({value} AS {column.type}) IS NULL LIMIT 1"
                ).fetchone()
            except duckdb.Error:  # e.g. malformed JSON: DuckDB's own message says it best
                break
            if row:
                return (
                    f"stream '{batch.stream}': column '{column.name}' ({column.type}) "
                    f"cannot hold the value {row[0]!r}; nothing of this batch was loaded"
                )
        return (
            f"stream '{batch.stream}': could not load a batch into {batch.qualified_table}: "
            f"{first_line(exc)}"
        )


def _select_sql(batch: Batch) -> str:
    """SELECT the batch file's records as table rows, metadata columns included."""
    fields = ", ".join(f"{ident(c.name)} {c.read_type}" for c in batch.columns)
    record_type = f'STRUCT({fields}{", " if fields else ""}"_sdc_deleted_at" VARCHAR)'
    read_columns = {
        "_q": "BIGINT",
        "record": record_type,
        "time_extracted": "VARCHAR",
        "version": "BIGINT",
    }
    columns_arg = ", ".join(f"{literal(k)}: {literal(v)}" for k, v in read_columns.items())

    def value(column: Column) -> str:
        raw = f"struct_extract(record, {literal(column.name)})"
        if column.type == "TIMESTAMPTZ":
            return f"CAST(NULLIF({raw}, '') AS TIMESTAMPTZ)"
        return raw

    selected = [f"{value(c)} AS {ident(c.name)}" for c in batch.columns]
    selected += [
        "CAST(NULLIF(time_extracted, '') AS TIMESTAMPTZ) AS _sdc_extracted_at",
        "CAST(make_timestamp(_q) AS TIMESTAMPTZ) AS _sdc_received_at",
        f"CAST({literal(batch.batched_at)} AS TIMESTAMPTZ) AS _sdc_batched_at",
        f"{value(Column('_sdc_deleted_at', 'TIMESTAMPTZ'))} AS _sdc_deleted_at",
        "_q AS _sdc_sequence",
        "version AS _sdc_table_version",
        f"CAST({int(batch.sync_started_at)} AS BIGINT) AS _sdc_sync_started_at",
    ]
    return (
        f"SELECT {', '.join(selected)} FROM read_json({literal(str(batch.file))}, "
        f"format = 'newline_delimited', columns = {{{columns_arg}}})"
    )
