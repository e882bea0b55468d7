"""Synthesize a bigger warehouse's raw tables from a smaller one, in DuckDB SQL.

`replicate_raw(source, target, copies)` writes a new DuckDB file holding the raw_slack,
raw_github and raw_hubspot schemas of `source` with every activity row repeated `copies` times
(copy 0 is the original). People, channels, repositories and owners are not multiplied: the
same community is ten times as busy. Each copy k gets keys of its own and keeps every link:
- Slack: ts, thread_ts and latest_reply move by k x (1 s + 1 us) (ts_at with them), so a reply
  still names its parent and response times are unchanged;
- GitHub: ids (and the ids that point at reviews and comments) move by k x an id stride,
  issue and pull numbers by k x a number stride, and every URL carrying them is rewritten to
  match, so comments, reviews and review comments stay on the copy of their own issue or PR;
- HubSpot: ticket and thread ids move by k x an id stride (associations and thread_id with
  them); message ids, hex digests, get a "-<k x stride>" suffix.
Strides are the next power of ten above the largest value, so copies never meet.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

RAW_SCHEMAS = ("raw_slack", "raw_github", "raw_hubspot")
# Tables copied once, as they are: who and where, not activity.
DIMENSIONS = {
    "raw_slack": {"channels", "users", "usergroups"},
    "raw_github": {"repositories", "organization_members"},
    "raw_hubspot": {"owners"},
}
SLACK_TS_COLUMNS = {"ts", "thread_ts", "latest_reply"}
# Copy k of a Slack message moves by k times this many microseconds: a second (the generated
# microseconds are random, so copies miss each other) plus one microsecond (so copies of a
# replicated warehouse miss the copies already in it).
SLACK_SHIFT_MICROS = 1_000_001
GITHUB_ID_COLUMNS = {"id", "pull_id", "pull_request_review_id", "in_reply_to_id"}
GITHUB_NUMBER_COLUMNS = {"number", "issue_number", "pull_number"}
HUBSPOT_ID_COLUMNS = {
    "tickets": {"id", "hs_conversations_originating_thread_id"},
    "threads": {"id", "associated_ticket_id"},
    "messages": {"thread_id"},
}
# A GitHub URL's issue or pull number, and a trailing comment/review id after it.
NUMBERED_URL = r"^(.*?/(?:issues|pulls?)/)(\d+)(.*)$"
TRAILING_ID_URL = r"^(.*(?:#[a-z_]+-?r?|/comments/))(\d+)()$"

MACROS = f"""
create or replace temp macro ts_micros(ts) as
    cast(split_part(ts, '.', 1) as bigint) * 1000000
    + cast(rpad(split_part(ts, '.', 2), 6, '0') as bigint);
create or replace temp macro micros_ts(micros) as
    (micros // 1000000)::varchar || '.' || lpad((micros % 1000000)::varchar, 6, '0');
create or replace temp macro shift_ts(ts, micros) as
    case when ts is null or micros = 0 then ts else micros_ts(ts_micros(ts) + micros) end;
-- Each URL is matched once; `parts` is the struct of its pieces, or empty strings.
create or replace temp macro shifted_number(url, parts, delta) as
    case when delta = 0 or parts.num = '' then url
    else parts.head || (cast(parts.num as bigint) + delta)::varchar || parts.tail end;
create or replace temp macro shift_number_in_url(url, delta) as
    shifted_number(url, regexp_extract(url, '{NUMBERED_URL}', ['head', 'num', 'tail']), delta);
create or replace temp macro shift_id_in_url(url, delta) as
    shifted_number(url, regexp_extract(url, '{TRAILING_ID_URL}', ['head', 'num', 'tail']), delta);
"""


class ReplicationError(Exception):
    """The source cannot be replicated (missing, or copies would collide)."""


def _stride(value: int | None) -> int:
    return 10 ** len(str(abs(value or 0)))


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def replicate_raw(source: Path, target: Path, copies: int = 10) -> dict[str, int]:
    """Write `target` with the raw schemas of `source`, activity x `copies`; rows per table."""
    if not source.is_file():
        raise ReplicationError(f"{source}: no such warehouse")
    if copies < 1:
        raise ReplicationError(f"copies must be at least 1, got {copies}")
    target.unlink(missing_ok=True)
    with duckdb.connect(str(target)) as con:
        con.execute("set enable_progress_bar = false")
        con.execute(f"attach {_quote(source)} as src (read_only)")
        con.execute(MACROS)
        columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, data_type in con.execute(
            """
            select table_schema, table_name, column_name, data_type
            from information_schema.columns
            where table_catalog = 'src' and table_schema in (select unnest(?))
            order by table_schema, table_name, ordinal_position
            """,
            [list(RAW_SCHEMAS)],
        ).fetchall():
            columns.setdefault((schema, table), []).append((column, data_type))
        strides = _strides(con, columns)
        counts = {}
        for (schema, table), cols in columns.items():
            con.execute(f'create schema if not exists "{schema}"')
            name = f'"{schema}"."{table}"'
            if table in DIMENSIONS.get(schema, set()):
                con.execute(f"create table {name} as select * from src.{name}")
            else:
                rewrites = _rewrites(schema, table, cols, strides)
                replace = f" replace ({', '.join(rewrites)})" if rewrites else ""
                con.execute(
                    f"create table {name} as select * exclude (k){replace} "
                    f"from src.{name} cross join range({int(copies)}) as copy(k)"
                )
            counts[f"{schema}.{table}"] = con.execute(f"select count(*) from {name}").fetchone()[0]
        _check_unique(con, columns)
    return counts


def _strides(con: duckdb.DuckDBPyConnection, columns: dict) -> dict[str, int]:
    """The id and number strides, from the largest values in the source."""
    github_ids, github_numbers, hubspot_ids = [], [], []
    for (schema, table), cols in columns.items():
        names = {column for column, _ in cols}
        name = f'src."{schema}"."{table}"'
        if schema == "raw_github" and table not in DIMENSIONS[schema]:
            github_ids += [f"(select max({c}) from {name})" for c in GITHUB_ID_COLUMNS & names]
            github_numbers += [
                f"(select max({c}) from {name})" for c in GITHUB_NUMBER_COLUMNS & names
            ]
        if schema == "raw_hubspot" and "id" in names and table in ("tickets", "threads"):
            hubspot_ids.append(f"(select max(try_cast(id as bigint)) from {name})")

    def largest(parts: list[str]) -> int | None:
        return con.execute(f"select greatest({', '.join(parts)})").fetchone()[0] if parts else 0

    return {
        "github_id": _stride(largest(github_ids)),
        "github_number": _stride(largest(github_numbers)),
        "hubspot_id": _stride(largest(hubspot_ids)),
    }


def _rewrites(schema: str, table: str, cols: list[tuple[str, str]], strides: dict) -> list[str]:
    """`expression as column` for each column of a fact table that carries a key or a link."""
    out = []
    for column, data_type in cols:
        quoted = f'"{column}"'
        if schema == "raw_slack":
            if column in SLACK_TS_COLUMNS:
                out.append(f"shift_ts({quoted}, k * {SLACK_SHIFT_MICROS}) as {quoted}")
            elif column == "ts_at":
                out.append(f"{quoted} + to_microseconds(k * {SLACK_SHIFT_MICROS}) as {quoted}")
        elif schema == "raw_github":
            id_delta = f"k * {strides['github_id']}"
            number_delta = f"k * {strides['github_number']}"
            if column in GITHUB_ID_COLUMNS:
                out.append(f"{quoted} + {id_delta} as {quoted}")
            elif column in GITHUB_NUMBER_COLUMNS:
                out.append(f"{quoted} + {number_delta} as {quoted}")
            elif column.endswith("url") and data_type == "VARCHAR":
                out.append(
                    f"shift_id_in_url(shift_number_in_url({quoted}, {number_delta}), {id_delta})"
                    f" as {quoted}"
                )
        elif schema == "raw_hubspot":
            if column in HUBSPOT_ID_COLUMNS.get(table, set()):
                out.append(
                    f"(try_cast({quoted} as bigint) + k * {strides['hubspot_id']})::varchar"
                    f" as {quoted}"
                )
            elif table == "messages" and column == "id":
                # The stride grows with each replication, so copies of copies stay distinct.
                out.append(
                    f"case when k = 0 then id else id || '-' || (k * {strides['hubspot_id']}) end"
                    f" as {quoted}"
                )
    return out


def _check_unique(con: duckdb.DuckDBPyConnection, columns: dict) -> None:
    """Copies of the activity tables must not collide on the keys the loader upserts by."""
    keys = {
        ("raw_slack", "messages"): "channel_id, ts",
        ("raw_slack", "threads"): "channel_id, ts",
    }
    for (schema, table), cols in columns.items():
        is_activity = table not in DIMENSIONS.get(schema, set())
        if is_activity and (schema, table) not in keys and "id" in {c for c, _ in cols}:
            keys[(schema, table)] = "id"
    for (schema, table), key in keys.items():
        if (schema, table) not in columns:
            continue
        total, distinct = con.execute(
            f'select count(*), count(distinct ({key})) from "{schema}"."{table}"'
        ).fetchone()
        if total != distinct:
            raise ReplicationError(
                f"{schema}.{table}: {total - distinct} copies collide on ({key})"
            )
