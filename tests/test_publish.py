"""Publishing: an atomic, read-only copy of the marts that never blocks the next run."""

from __future__ import annotations

import duckdb
import pytest

from covered.publish import PublishError, publish


def make_warehouse(path, requests):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create schema config")
        con.execute("create schema raw_slack")
        con.execute(
            "create table marts.fct_support_requests as select range as request_id from range(?)",
            [requests],
        )
        con.execute("create table config.settings as select 'America/New_York' as timezone")
        con.execute("create table raw_slack.messages as select 1 as ts")


def test_publish_copies_marts_and_config_only(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "w.published.duckdb"
    make_warehouse(warehouse, 3)
    counts = publish(warehouse, published)
    assert counts == {"config.settings": 1, "marts.fct_support_requests": 3}
    with duckdb.connect(str(published), read_only=True) as con:
        schemas = {
            row[0]
            for row in con.execute(
                "select distinct table_schema from information_schema.tables"
            ).fetchall()
        }
    assert schemas == {"marts", "config"}
    assert not list(tmp_path.glob(".*.tmp"))


def test_open_reader_neither_blocks_publish_nor_sees_a_partial_copy(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "w.published.duckdb"
    make_warehouse(warehouse, 3)
    publish(warehouse, published)
    reader = duckdb.connect(str(published), read_only=True)
    try:
        warehouse.unlink()
        make_warehouse(warehouse, 5)
        publish(warehouse, published)
        # The open reader keeps the whole old copy.
        assert reader.execute("select count(*) from marts.fct_support_requests").fetchone() == (3,)
    finally:
        reader.close()
    # duckdb caches one database instance per path and process, so only once the old
    # connection is closed does a new one open the new file: the dashboard opens per query.
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute("select count(*) from marts.fct_support_requests").fetchone() == (5,)


def test_failed_build_keeps_the_last_good_copy(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "w.published.duckdb"
    make_warehouse(warehouse, 2)
    publish(warehouse, published)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table marts.fct_support_requests")
    with pytest.raises(PublishError, match="last published copy is kept"):
        publish(warehouse, published)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_support_requests").fetchone() == (2,)
