"""Checks of the benchmark's own pieces (not timed): the 1% increment, the request floor, the
rate-limit arithmetic, the scale-100 replication and the process-tree monitor.

    .venv/bin/pytest benchmarks/test_bench.py
"""

from __future__ import annotations

import json
import sys
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
import run
from increment import Increment, PageSizes, append_increment, minimum_requests
from procmon import run_measured
from ratelimits import backfill_estimate
from replicate import replicate_raw

from covered.sandbox import server
from covered.sandbox.generate import generate

ANCHOR = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> tuple[Path, Path, Increment]:
    """A small generated dataset, and a copy of it with the increment appended."""
    before = tmp_path_factory.mktemp("before")
    after = tmp_path_factory.mktemp("after")
    generate(before, seed=7, anchor=ANCHOR, scale=0.3)
    generate(after, seed=7, anchor=ANCHOR, scale=0.3)
    return before, after, append_increment(after, ANCHOR, fraction=0.01)


def load(root: Path, name: str) -> list[dict]:
    return json.loads((root / name).read_text(encoding="utf-8"))


def new_items(datasets, name: str, key: str = "id") -> list[dict]:
    before, after, _ = datasets
    old = {json.dumps(item[key]) for item in load(before, name)}
    return [item for item in load(after, name) if json.dumps(item[key]) not in old]


def test_increment_is_about_one_percent_and_dated_after_the_anchor(datasets):
    inc = datasets[2]
    assert 0.005 < inc.share < 0.02
    assert inc.as_of > ANCHOR
    lo, hi = ANCHOR.timestamp(), inc.as_of.timestamp()
    for message in new_items(datasets, "slack/messages.json", "ts"):
        assert lo <= float(message["ts"]) < hi
    for name, field in (
        ("github/issues.json", "created_at"),
        ("github/issue_comments.json", "created_at"),
        ("hubspot/tickets.json", "createdAt"),
        ("hubspot/messages.json", "createdAt"),
    ):
        items = new_items(datasets, name)
        assert items, name
        assert inc.added[name.removesuffix(".json")] == len(items)
        for item in items:
            stamp = datetime.fromisoformat(item[field].replace("Z", "+00:00")).timestamp()
            assert lo <= stamp < hi, (name, item[field])


def test_increment_keeps_ids_unique_and_links_resolving(datasets):
    before, after, _ = datasets
    old = {(m["channel"], m["ts"]): m for m in load(before, "slack/messages.json")}
    messages = load(after, "slack/messages.json")
    by_key = {(m["channel"], m["ts"]): m for m in messages}
    assert len(by_key) == len(messages)

    def replies(items) -> Counter:
        return Counter(
            (m["channel"], m["thread_ts"])
            for m in items
            if m.get("thread_ts") and m["thread_ts"] != m["ts"]
        )

    added = replies(messages) - replies(old.values())
    assert added
    for thread, count in added.items():
        was = old[thread]["reply_count"] if thread in old else 0
        assert by_key[thread]["reply_count"] - was == count, thread
        assert by_key[thread]["latest_reply"] == max(
            (m["ts"] for m in messages if m.get("thread_ts") == thread[1] and m["ts"] != thread[1]),
            key=lambda ts: tuple(map(int, ts.split("."))),
        )

    issues = load(after, "github/issues.json")
    assert len({i["id"] for i in issues}) == len(issues)
    assert len({i["html_url"] for i in issues}) == len(issues)
    assert len({(i["repository_url"], i["number"]) for i in issues}) == len(issues)
    urls = {i["url"] for i in issues}
    comments = load(after, "github/issue_comments.json")
    assert len({c["id"] for c in comments}) == len(comments)
    assert all(c["issue_url"] in urls for c in comments)
    per_issue = Counter(c["issue_url"] for c in comments)
    for issue in issues:
        assert issue["comments"] >= per_issue[issue["url"]] or issue.get("pull_request")

    tickets = {t["id"] for t in load(after, "hubspot/tickets.json")}
    threads = load(after, "hubspot/threads.json")
    thread_ids = {t["id"] for t in threads}
    assert len(thread_ids) == len(threads)
    for thread in threads:
        associated = (thread.get("threadAssociations") or {}).get("associatedTicketId")
        assert associated is None or associated in tickets
    hub_messages = load(after, "hubspot/messages.json")
    assert len({m["id"] for m in hub_messages}) == len(hub_messages)
    assert all(m["threadId"] in thread_ids for m in hub_messages)


def test_sandbox_serves_exactly_the_new_history_after_the_anchor(datasets):
    """The increment, read back through the real sandbox, matches what it says it added."""
    _, after, inc = datasets
    with server.start(after) as sandbox:
        for channel, count in inc.slack_history.items():
            query = f"channel={channel}&oldest={ANCHOR.timestamp():.6f}&limit=999"
            request = urllib.request.Request(
                f"{sandbox.url}/slack/api/conversations.history?{query}",
                headers={"Authorization": "Bearer test"},
            )
            with urllib.request.urlopen(request) as response:
                body = json.load(response)
            assert body["ok"], body
            assert len(body["messages"]) == count, channel


def test_minimum_requests_pages_each_scope_with_new_items():
    inc = Increment(anchor=ANCHOR, as_of=ANCHOR)
    inc.slack_history.update({"C1": 201, "C2": 1, "C3": 0})
    inc.slack_threads.update({("C1", "1.0"): 1, ("C2", "2.0"): 3})
    inc.github_issues.update({"o/a": 100, "o/b": 101})
    inc.github_comments.update({"o/a": 5})
    inc.hubspot_tickets = 250
    inc.hubspot_threads = {"t1", "t2"}
    inc.hubspot_messages.update({"t1": 2})
    pages = PageSizes(slack=200, github=100, hubspot_tickets=100, hubspot_threads=100,
                      hubspot_messages=100)  # fmt: skip
    floor = minimum_requests(inc, pages)
    assert floor["/slack/api /conversations.history"] == 2 + 1
    assert floor["/slack/api /conversations.replies"] == 2
    assert floor["/github /repos/{owner}/{repo}/issues"] == 1 + 2
    assert floor["/github /repos/{owner}/{repo}/issues/comments"] == 1
    assert floor["/github /repos/{owner}/{repo}/pulls"] == 0
    assert floor["/hubspot /crm/v3/objects/tickets/search"] == 3
    assert floor["/hubspot /conversations/v3/conversations/threads"] == 1
    assert floor["/hubspot /conversations/v3/conversations/threads/{thread_id}/messages"] == 1


def test_page_sizes_come_from_the_taps():
    pages = PageSizes.of_taps()
    assert pages.hubspot_tickets <= 200  # HubSpot search's own cap
    assert min(vars(pages).values()) >= 1


def test_backfill_estimate_takes_each_sources_slowest_bucket():
    estimate = backfill_estimate(
        {
            "/slack/api GET /conversations.replies": 500,  # Tier 3: 10 min
            "/slack/api GET /users.list": 100,  # Tier 2: 5 min
            "/github GET /repos/{owner}/{repo}/issues": 2500,  # half an hour
            "/hubspot POST /crm/v3/objects/tickets/search": 50,  # 10 s at 5/s
            "/hubspot GET /crm/v3/owners": 50,  # 100 in total at 100/10 s: 10 s
        }
    )
    sources = estimate["sources"]
    assert sources["slack"]["seconds"] == pytest.approx(600)
    assert sources["github"]["seconds"] == pytest.approx(1800)
    assert sources["hubspot"]["seconds"] == pytest.approx(10)
    assert estimate["total_seconds"] == pytest.approx(2410)


def test_monitor_attributes_time_and_memory_to_stages(tmp_path):
    script = tmp_path / "stages.py"
    script.write_text(
        "import time\n"
        "print('[1/2] small ...', flush=True); time.sleep(0.6)\n"
        "print('[1/2] small done in 0.6 s', flush=True)\n"
        "print('[2/2] big ...', flush=True)\n"
        "block = bytearray(200 * 1024 * 1024); block[::4096] = b'x' * len(block[::4096])\n"
        "time.sleep(0.8)\n"
        "print('[2/2] big done in 0.8 s', flush=True)\n"
    )
    from procmon import PIPELINE_STAGE, PIPELINE_STAGE_DONE

    measured = run_measured(
        [sys.executable, str(script)], stage_start=PIPELINE_STAGE, stage_end=PIPELINE_STAGE_DONE
    )
    assert measured.returncode == 0
    assert list(measured.stages) == ["small", "big"]
    assert measured.stages["small"]["seconds"] >= 0.5
    assert measured.stages["big"]["peak_rss"] > 200 * 1024 * 1024
    assert measured.stages["small"]["peak_rss"] < 100 * 1024 * 1024


RAW_DDL = """
create schema raw_slack; create schema raw_github; create schema raw_hubspot;
create table raw_slack.messages (channel_id varchar, ts varchar, ts_at timestamptz,
    thread_ts varchar, latest_reply varchar, text varchar);
create table raw_slack.threads (channel_id varchar, ts varchar, ts_at timestamptz,
    thread_ts varchar, latest_reply varchar, text varchar);
create table raw_slack.users (id varchar);
create table raw_github.issues (id bigint, number bigint, repo varchar, html_url varchar,
    url varchar, pull_request json);
create table raw_github.issue_comments (id bigint, issue_number bigint, repo varchar,
    issue_url varchar, html_url varchar);
create table raw_github.pull_requests (id bigint, number bigint, repo varchar, html_url varchar);
create table raw_github.reviews (id bigint, pull_id bigint, pull_number bigint, repo varchar,
    pull_request_url varchar, html_url varchar);
create table raw_github.review_comments (id bigint, pull_request_review_id bigint, repo varchar,
    pull_request_url varchar, html_url varchar, in_reply_to_id bigint);
create table raw_hubspot.tickets (id varchar, hs_conversations_originating_thread_id varchar);
create table raw_hubspot.threads (id varchar, associated_ticket_id varchar);
create table raw_hubspot.messages (id varchar, thread_id varchar);
insert into raw_slack.messages values
    ('C1', '1700000000.999999', '2023-11-14 22:13:20.999999+00', '1700000000.999999',
     '1700000100.000001', 'parent'),
    ('C1', '1700000200.000000', '2023-11-14 22:16:40+00', null, null, 'lonely');
insert into raw_slack.threads values
    ('C1', '1700000100.000001', '2023-11-14 22:15:00.000001+00', '1700000000.999999', null, 'r');
insert into raw_slack.users values ('U1');
insert into raw_github.issues values
    (11, 7, 'a', 'https://github.com/o/a/issues/7', 'https://api.github.com/repos/o/a/issues/7',
     null),
    (12, 8, 'a', 'https://github.com/o/a/pull/8', 'https://api.github.com/repos/o/a/issues/8',
     '{"url": "x"}');
insert into raw_github.issue_comments values
    (21, 7, 'a', 'https://api.github.com/repos/o/a/issues/7',
     'https://github.com/o/a/issues/7#issuecomment-21');
insert into raw_github.pull_requests values (31, 8, 'a', 'https://github.com/o/a/pull/8');
insert into raw_github.reviews values
    (41, 31, 8, 'a', 'https://api.github.com/repos/o/a/pulls/8',
     'https://github.com/o/a/pull/8#pullrequestreview-41');
insert into raw_github.review_comments values
    (51, 41, 'a', 'https://api.github.com/repos/o/a/pulls/8',
     'https://github.com/o/a/pull/8#discussion_r51', null),
    (52, 41, 'a', 'https://api.github.com/repos/o/a/pulls/8',
     'https://github.com/o/a/pull/8#discussion_r52', 51);
insert into raw_hubspot.tickets values ('61', '71'), ('62', null);
insert into raw_hubspot.threads values ('71', '61');
insert into raw_hubspot.messages values ('ab12', '71');
"""


def test_replication_multiplies_facts_and_keeps_every_link(tmp_path):
    source, target = tmp_path / "s10.duckdb", tmp_path / "s100.duckdb"
    with duckdb.connect(str(source)) as con:
        con.execute(RAW_DDL)
    counts = replicate_raw(source, target, copies=3)
    assert counts["raw_slack.messages"] == 6
    assert counts["raw_slack.users"] == 1  # people are not multiplied, their activity is
    with duckdb.connect(str(target), read_only=True) as con:

        def rows(sql: str) -> list[tuple]:
            return con.execute(sql).fetchall()

        # Keys stay unique.
        for table, key in (
            ("raw_slack.messages", "channel_id, ts"),
            ("raw_slack.threads", "channel_id, ts"),
            ("raw_github.issues", "id"),
            ("raw_github.issues", "html_url"),
            ("raw_github.issue_comments", "id"),
            ("raw_github.review_comments", "html_url"),
            ("raw_hubspot.tickets", "id"),
            ("raw_hubspot.messages", "id"),
        ):
            total, distinct = rows(f"select count(*), count(distinct ({key})) from {table}")[0]
            assert total == distinct == 3 * (total // 3), (table, key)
        # Every reply still finds its parent, ts and ts_at agree, the thread keeps its shape.
        assert rows("""
            select count(*) from raw_slack.threads r
            left join raw_slack.messages p on p.channel_id = r.channel_id and p.ts = r.thread_ts
            where p.ts is null or p.latest_reply <> r.ts
        """) == [(0,)]
        assert rows("""
            select count(*) from raw_slack.messages
            where epoch_us(ts_at) <> cast(replace(ts, '.', '') as bigint)
        """) == [(0,)]
        # Issue comments, reviews and review comments point at the copy of their own parent.
        assert rows("""
            select count(*) from raw_github.issue_comments c
            left join raw_github.issues i
                on i.repo = c.repo and i.number = c.issue_number and i.url = c.issue_url
            where i.id is null or c.html_url not like i.html_url || '#%'
        """) == [(0,)]
        assert rows("""
            select count(*) from raw_github.reviews r
            left join raw_github.pull_requests p
                on p.id = r.pull_id and p.number = r.pull_number
                and r.pull_request_url like '%/pulls/' || p.number
            where p.id is null
        """) == [(0,)]
        assert rows("""
            select count(*) from raw_github.review_comments c
            left join raw_github.reviews r on r.id = c.pull_request_review_id
            left join raw_github.review_comments parent on parent.id = c.in_reply_to_id
            where r.id is null or (c.in_reply_to_id is not null and parent.id is null)
                or c.pull_request_url <> r.pull_request_url
        """) == [(0,)]
        # HubSpot associations both ways.
        assert rows("""
            select count(*) from raw_hubspot.threads h
            join raw_hubspot.tickets t on t.id = h.associated_ticket_id
            where t.hs_conversations_originating_thread_id = h.id
        """) == [(3,)]
        assert rows("""
            select count(*) from raw_hubspot.messages m
            left join raw_hubspot.threads h on h.id = m.thread_id where h.id is null
        """) == [(0,)]


def test_page_size_set_in_meltano_yml_wins_over_the_taps_default(tmp_path):
    meltano_yml = tmp_path / "meltano.yml"
    meltano_yml.write_text(
        "plugins:\n"
        "  extractors:\n"
        "  - name: tap-slack\n"
        "    config: {page_size: 150}\n"
        "  - name: tap-hubspot\n"
        "    config: {page_size: 300}\n"
        "environments:\n"
        "- name: dev\n"
        "  config:\n"
        "    plugins:\n"
        "      extractors:\n"
        "      - name: tap-slack\n"
        "        config: {page_size: 50}\n"
    )
    pages = PageSizes.of_taps(meltano_yml)
    assert pages.slack == 50
    assert pages.hubspot_threads == 300
    assert pages.hubspot_tickets == 200  # capped by the search endpoint


def test_time_spent_waiting_for_another_pipeline_run_is_not_counted():
    from procmon import Measured
    from run import lock_wait

    lines = [
        "waiting for another pipeline run in this project to finish ...",
        "sandbox serving data at http://127.0.0.1:1",
        "[1/6] warehouse:check ...",
    ]
    waited = Measured(returncode=0, seconds=40.0, peak_rss=0, output=lines, times=[0.1, 30.1, 30.2])
    assert lock_wait(waited) == pytest.approx(30.0)
    alone = Measured(returncode=0, seconds=9.0, peak_rss=0, output=lines[1:], times=[0.1, 0.2])
    assert lock_wait(alone) == 0.0


def test_plugins_installed_without_bytecode_are_named(tmp_path, monkeypatch):
    compiled = tmp_path / ".meltano" / "utilities" / "dbt" / "venv" / "lib" / "__pycache__"
    compiled.mkdir(parents=True)
    (compiled / "module.cpython-311.pyc").write_bytes(b"")
    bare = tmp_path / ".meltano" / "loaders" / "target" / "venv" / "lib"
    bare.mkdir(parents=True)
    (bare / "module.py").write_text("")
    monkeypatch.setattr(run, "ROOT", tmp_path)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    assert run.plugins_without_bytecode() == ["target"]
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE")
    assert run.plugins_without_bytecode() == []
