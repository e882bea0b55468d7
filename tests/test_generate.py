"""The demo-dataset generator: determinism, volumes, the cases downstream tests rely on,
referential integrity, and the default config shipped as dbt seeds."""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from covered.sandbox.generate import DEFAULT_ANCHOR, generate

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "transform" / "seeds"
CONFIG_FILES = {
    "team_members.csv",
    "process_rules.csv",
    "slack_channels.csv",
    "github_repo_groups.csv",
    "holidays.csv",
    "settings.csv",
}
CHECKS = {"white_check_mark", "heavy_check_mark", "ballot_box_with_check"}
ISSUE_OR_PR_URL = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+")


class Dataset:
    def __init__(self, root: Path, counts: dict[str, int], seconds: float = 0.0):
        self.root, self.counts, self.seconds = root, counts, seconds
        self._cache: dict[str, list] = {}

    def __getitem__(self, name: str) -> list[dict]:
        if name not in self._cache:
            self._cache[name] = json.loads((self.root / f"{name}.json").read_text("utf-8"))
        return self._cache[name]

    def config(self, name: str) -> list[dict]:
        with (self.root / "config" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    @property
    def settings(self) -> dict:
        return self.config("settings")[0]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings["timezone"])


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Dataset:
    out = tmp_path_factory.mktemp("scale1")
    started = time.perf_counter()
    counts = generate(out)
    return Dataset(out, counts, time.perf_counter() - started)


@pytest.fixture(scope="module", params=[0.02, 0.05], ids=["scale0.02", "scale0.05"])
def small(request, tmp_path_factory) -> Dataset:
    out = tmp_path_factory.mktemp("small")
    return Dataset(out, generate(out, scale=request.param))


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _epoch(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _roster(ds: Dataset) -> list[dict]:
    return ds.config("team_members")


# ---- arguments and determinism -----------------------------------------------------------------


@pytest.mark.parametrize("scale", [0, -1, float("nan"), float("inf")])
def test_rejects_a_bad_scale(tmp_path, scale):
    with pytest.raises(ValueError, match="scale must be a positive number"):
        generate(tmp_path, scale=scale)


def test_rejects_a_naive_anchor(tmp_path):
    with pytest.raises(ValueError, match="timezone-aware"):
        generate(tmp_path, anchor=datetime(2026, 11, 1), scale=0.02)


def test_same_arguments_same_bytes_and_another_seed_differs(tmp_path):
    a, b, c = (tmp_path / n for n in "abc")
    generate(a, scale=0.03)
    # Another process, hash seed and local time zone must not change a byte.
    code = f"from covered.sandbox.generate import generate; generate({str(b)!r}, scale=0.03)"
    env = {**os.environ, "PYTHONHASHSEED": "123", "TZ": "Asia/Tokyo"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    generate(c, seed=7, scale=0.03)
    first, second, other = _files(a), _files(b), _files(c)
    assert len(first) == 21  # 4 + 7 + 4 dataset files and 6 config files
    assert first == second
    assert first.keys() == other.keys()
    assert first["slack/messages.json"] != other["slack/messages.json"]
    assert first["github/issues.json"] != other["github/issues.json"]
    assert first["hubspot/tickets.json"] != other["hubspot/tickets.json"]


def test_another_anchor_moves_the_window(tmp_path):
    anchor = datetime(2025, 3, 20, 15, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    ds = Dataset(tmp_path, generate(tmp_path, anchor=anchor, scale=0.02))
    end = anchor.timestamp()
    stamps = [float(m["ts"]) for m in ds["slack/messages"]]
    stamps += [_epoch(i["created_at"]) for i in ds["github/issues"]]
    stamps += [_epoch(t["createdAt"]) for t in ds["hubspot/threads"]]
    assert max(stamps) < end
    assert min(stamps) >= end - 366 * 86400
    years = {row["holiday_date"][:4] for row in ds.config("holidays")}
    assert years == {"2024", "2025", "2026"}


# ---- volumes at scale 1 ----------------------------------------------------------------------


def test_scale_one_is_fast(full):
    assert full.seconds < 30


def test_counts_are_the_lengths_of_the_files(full):
    for name, count in full.counts.items():
        if name.startswith("config/"):
            assert len(full.config(name.split("/")[1])) == count
        else:
            assert len(full[name]) == count, name


def _near(value: int, target: int) -> bool:
    return 0.8 * target <= value <= 1.2 * target


def test_scale_one_volumes(full):
    assert [c["name"] for c in full["slack/channels"]] == [
        "troubleshooting",
        "getting-started",
        "contributing",
        "support",
        "random",
        "announcements",
    ]
    assert _near(len(full["slack/users"]), 1500)
    assert _near(len(full["slack/messages"]), 25_000)
    assert {r["owner"]["login"] for r in full["github/repos"]} == {"meltano", "MeltanoLabs"}
    assert _near(len(full["github/repos"]), 15)
    assert _near(len(full["github/issues"]), 3000)
    responses = (
        len(full["github/issue_comments"])
        + len(full["github/reviews"])
        + len(full["github/review_comments"])
    )
    assert _near(responses, 10_000)
    tickets = full["hubspot/tickets"]
    assert _near(len(tickets), 600)
    security = [t for t in tickets if t["properties"]["hs_ticket_category"] == "SECURITY_ISSUE"]
    assert _near(len(security), 30)
    chats = [t for t in full["hubspot/threads"] if t["originalChannelId"] == "1000"]
    assert _near(len(chats), 500)


def test_arrivals_follow_the_office_week(full):
    """Requests arrive mostly on weekdays in office hours; replies have a long tail."""
    tz, holidays = full.tz, {h["holiday_date"] for h in full.config("holidays")}
    monitored = {c["channel_name"] for c in full.config("slack_channels")}
    ids = {c["id"] for c in full["slack/channels"] if c["name"] in monitored}
    top = [
        m
        for m in full["slack/messages"]
        if m["channel"] in ids and "subtype" not in m and m.get("thread_ts", m["ts"]) == m["ts"]
    ]
    local = [datetime.fromtimestamp(float(m["ts"]), tz) for m in top]
    workday = [t for t in local if t.weekday() < 5 and t.date().isoformat() not in holidays]
    assert len(workday) / len(local) > 0.8
    assert sum(9 <= t.hour < 17 for t in workday) / len(workday) > 0.6
    first_reply: dict[tuple, float] = {}
    for m in full["slack/messages"]:
        if m.get("thread_ts", m["ts"]) != m["ts"]:
            key = (m["channel"], m["thread_ts"])
            first_reply[key] = min(first_reply.get(key, float("inf")), float(m["ts"]))
    delays = [
        (first_reply[(m["channel"], m["ts"])] - float(m["ts"])) / 3600
        for m in top
        if (m["channel"], m["ts"]) in first_reply
    ]
    assert statistics.median(delays) < 12
    assert sum(d > 48 for d in delays) > 5
    unanswered = [m for m in top if (m["channel"], m["ts"]) not in first_reply]
    assert len(unanswered) > 0.05 * len(top)


# ---- the default config is what the dbt seeds ship ------------------------------------------


def test_seeds_are_the_default_config(full):
    assert {p.name for p in SEEDS.glob("*.csv")} == CONFIG_FILES
    for name in sorted(CONFIG_FILES):
        assert (SEEDS / name).read_bytes() == (full.root / "config" / name).read_bytes(), name


def test_config_defaults(small):
    assert small.settings == {
        "timezone": "America/New_York",
        "workday_start": "09:00",
        "workday_end": "17:00",
        "workdays": "Mon;Tue;Wed;Thu;Fri",
        "check_times": "09:00;17:00",
        "escalation_group_handle": "meltano-engineering",
        "security_category": "SECURITY_ISSUE",
        "presales_categories": "PRE_SALES;RFP",
        "live_chat_channel_id": "1000",
        "email_channel_id": "1002",
        "docs_keywords": "docs;documentation;docs.meltano.com",
    }
    rules = {
        r["rule_id"]: (r["target_kind"], r["target_value"]) for r in small.config("process_rules")
    }
    assert rules == {
        "slack_community_24h": ("calendar_hours", "24"),
        "slack_escalation": ("calendar_hours", "24"),
        "github_community_24h": ("calendar_hours", "24"),
        "github_singer_ecosystem": ("none", ""),
        "email_support": ("business_hours", "8"),
        "security_ack": ("next_business_day", "1"),
        "live_chat": ("business_hours", "2"),
        "security_update_gap": ("calendar_hours", "168"),
    }
    channels = {r["channel_name"]: r["rule_id"] for r in small.config("slack_channels")}
    assert channels == {
        "troubleshooting": "slack_community_24h",
        "getting-started": "slack_community_24h",
        "contributing": "slack_community_24h",
        "support": "slack_escalation",
    }
    groups = [(r["repo_pattern"], r["repo_group"]) for r in small.config("github_repo_groups")]
    assert groups[:2] == [
        ("MeltanoLabs/tap-*", "singer_ecosystem"),
        ("MeltanoLabs/target-*", "singer_ecosystem"),
    ]
    holidays = small.config("holidays")
    assert {h["holiday_date"][:4] for h in holidays} == {"2025", "2026", "2027"}
    assert {"2025-11-27", "2026-07-03", "2026-12-25", "2027-01-18"} <= {
        h["holiday_date"] for h in holidays
    }
    roster = _roster(small)
    assert 12 <= len(roster) <= 18
    assert {r["role"] for r in roster} == {"devrel", "engineering", "sales", "staff"}
    duties = Counter(d for r in roster for d in r["duties"].split(";") if d)
    assert duties["live_chat_owner"] == 1
    assert duties["presales_owner"] == 1
    assert sum(n for d, n in duties.items() if d.startswith("sme:")) >= 3
    anchor_day = DEFAULT_ANCHOR.date().isoformat()
    assert [r for r in roster if r["valid_to"] and r["valid_to"] < anchor_day]


# ---- referential integrity ------------------------------------------------------------------


def _unique(rows: list[dict], key) -> None:
    keys = [key(r) for r in rows]
    duplicates = [k for k, n in Counter(keys).items() if n > 1]
    assert not duplicates, duplicates[:5]


def test_slack_integrity(small, full):
    for ds in (small, full):
        _slack_integrity(ds)


def _slack_integrity(ds: Dataset) -> None:
    channels, users, messages = ds["slack/channels"], ds["slack/users"], ds["slack/messages"]
    _unique(channels, lambda c: c["id"])
    _unique(users, lambda u: u["id"])
    _unique(ds["slack/usergroups"], lambda g: g["id"])
    _unique(messages, lambda m: (m["channel"], m["ts"]))
    channel_ids, user_ids = {c["id"] for c in channels}, {u["id"] for u in users}
    start = DEFAULT_ANCHOR.timestamp() - 365 * 86400
    by_key = {(m["channel"], m["ts"]): m for m in messages}
    replies = defaultdict(list)
    for m in messages:
        assert re.fullmatch(r"\d{10}\.\d{6}", m["ts"])
        assert m["channel"] in channel_ids
        assert m.get("user", "USLACKBOT") in user_ids
        assert m.get("reactions") != []  # Slack omits the key when there are none
        assert start <= float(m["ts"]) < DEFAULT_ANCHOR.timestamp()
        if m.get("thread_ts", m["ts"]) != m["ts"]:
            if float(m["thread_ts"]) < start:
                continue  # deliberate orphan: its parent predates the export
            assert (m["channel"], m["thread_ts"]) in by_key
            replies[(m["channel"], m["thread_ts"])].append(m)
    for key, thread in replies.items():
        parent = by_key[key]
        assert parent["reply_count"] == len(thread)
        assert parent["latest_reply"] == max(r["ts"] for r in thread)
        assert all(float(r["ts"]) > float(parent["ts"]) for r in thread)
    for group in ds["slack/usergroups"]:
        assert set(group["users"]) <= user_ids
    for member in _roster(ds):
        assert member["slack_user_id"] in user_ids


def test_github_integrity(small, full):
    for ds in (small, full):
        _github_integrity(ds)


def _github_integrity(ds: Dataset) -> None:
    repos, issues, pulls = ds["github/repos"], ds["github/issues"], ds["github/pulls"]
    for name in ("repos", "issues", "pulls", "issue_comments", "reviews", "review_comments"):
        _unique(ds[f"github/{name}"], lambda r: r["id"])
    _unique(issues, lambda i: (i["repository_url"], i["number"]))
    repo_urls = {r["url"] for r in repos}
    issue_urls = {i["url"]: i for i in issues}
    pull_urls = {p["url"] for p in pulls}
    for issue in issues:
        assert issue["repository_url"] in repo_urls
        full_name = issue["repository_url"].removeprefix("https://api.github.com/repos/")
        kind = "pull" if "pull_request" in issue else "issues"
        assert issue["html_url"] == f"https://github.com/{full_name}/{kind}/{issue['number']}"
        if "pull_request" in issue:
            assert issue["pull_request"]["url"] in pull_urls
    assert len(pull_urls) == sum("pull_request" in i for i in issues)
    comments = Counter(c["issue_url"] for c in ds["github/issue_comments"])
    assert set(comments) <= set(issue_urls)
    for url, n in comments.items():
        assert issue_urls[url]["comments"] == n
    review_ids = {r["id"] for r in ds["github/reviews"]}
    for review in ds["github/reviews"]:
        assert review["pull_request_url"] in pull_urls
    for rc in ds["github/review_comments"]:
        assert rc["pull_request_url"] in pull_urls
        assert rc["pull_request_review_id"] in review_ids
    for pr in pulls:
        assert pr["base"]["repo"]["full_name"] in {r["full_name"] for r in repos}
    members = {(m["org"], m["login"]) for m in ds["github/members"]}
    end = DEFAULT_ANCHOR.timestamp()
    for item in issues:
        assert _epoch(item["created_at"]) < end
    current = [r for r in _roster(ds) if r["github_login"] and not r["valid_to"]]
    assert all(("meltano", r["github_login"]) in members for r in current)


def test_hubspot_integrity(small, full):
    for ds in (small, full):
        _hubspot_integrity(ds)


def _hubspot_integrity(ds: Dataset) -> None:
    owners, tickets = ds["hubspot/owners"], ds["hubspot/tickets"]
    threads, messages = ds["hubspot/threads"], ds["hubspot/messages"]
    for name in ("owners", "tickets", "threads", "messages"):
        _unique(ds[f"hubspot/{name}"], lambda r: r["id"])
    owner_ids = {o["id"] for o in owners}
    agent_actors = {f"A-{o['userId']}" for o in owners}
    ticket_ids = {t["id"] for t in tickets}
    thread_ids = {t["id"] for t in threads}
    for t in tickets:
        assert t["properties"]["hubspot_owner_id"] in owner_ids
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", t["createdAt"])
    for th in threads:
        assert th["assignedTo"] is None or th["assignedTo"] in agent_actors
        assoc = th.get("threadAssociations")
        assert assoc is None or assoc["associatedTicketId"] in ticket_ids
    for m in messages:
        assert m["threadId"] in thread_ids
        for sender in m["senders"]:
            actor = sender["actorId"]
            assert actor.startswith(("V-", "B-")) or actor in agent_actors
    for member in _roster(ds):
        if member["hubspot_owner_id"]:
            assert member["hubspot_owner_id"] in owner_ids


# ---- every case downstream relies on, at a small scale -------------------------------------


def _dst_switches(ds: Dataset) -> list[float]:
    tz, end = ds.tz, DEFAULT_ANCHOR
    hour, out = end - timedelta(days=365), []
    while hour < end:
        nxt = hour + timedelta(hours=1)
        if hour.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            out.append(nxt.timestamp())
        hour = nxt
    return out


def test_slack_cases(small):
    ds = small
    roster = _roster(ds)
    by_id = {r["slack_user_id"]: r for r in roster}
    channels = {c["name"]: c["id"] for c in ds["slack/channels"]}
    users = ds["slack/users"]
    messages = ds["slack/messages"]
    assert sum(u["deleted"] for u in users) >= 1
    bots = [u for u in users if u["is_bot"]]
    assert bots and all(u["profile"].get("bot_id") for u in bots)
    groups = {g["handle"]: g for g in ds["slack/usergroups"]}
    engineers = {
        r["slack_user_id"] for r in roster if r["role"] == "engineering" and not r["valid_to"]
    }
    assert set(groups["meltano-engineering"]["users"]) == engineers
    assert len(groups) >= 2

    support = [m for m in messages if m["channel"] == channels["support"]]
    top = [m for m in support if m.get("thread_ts", m["ts"]) == m["ts"]]
    assert any(m.get("subtype") == "bot_message" and m.get("bot_id") for m in top)
    eng_tag = f"<!subteam^{groups['meltano-engineering']['id']}"
    other_tags = [f"<!subteam^{g['id']}" for h, g in groups.items() if h != "meltano-engineering"]
    smes = [r["slack_user_id"] for r in roster if "sme:" in r["duties"]]
    human = [m for m in top if "bot_id" not in m and "subtype" not in m]
    assert any(eng_tag in m["text"] for m in human)
    assert any(any(f"<@{s}>" in m["text"] for s in smes) for m in human)
    assert any("<!here>" in m["text"] for m in human)
    assert any(any(t in m["text"] for t in other_tags) for m in human)
    assert any("<!subteam^" not in m["text"] and "<@" not in m["text"] for m in human)

    subtypes = Counter(m.get("subtype") for m in messages)
    for subtype in (
        "channel_join",
        "channel_topic",
        "tombstone",
        "thread_broadcast",
        "bot_message",
    ):
        assert subtypes[subtype] >= 1, subtype
    assert all(m.get("thread_ts") for m in messages if m.get("subtype") == "thread_broadcast")
    assert any(m.get("reply_count") for m in messages if m.get("subtype") == "tombstone")
    assert any("edited" in m for m in messages)
    assert any("<script>alert(1)</script>" in m["text"] for m in messages)
    assert any(re.search(r"[\u4e00-\u9fff]", m["text"]) for m in messages)
    assert any(re.search(r"[\u0600-\u06ff]", m["text"]) for m in messages)
    assert any(re.search(r"[\U0001F300-\U0001FAFF]", m["text"]) for m in messages)

    threads = defaultdict(list)
    for m in messages:
        threads[(m["channel"], m.get("thread_ts", m["ts"]))].append(m)
    answered = [t for t in threads.values() if len(t) > 1]

    def checked(msg):
        return any(r["name"] in CHECKS for r in msg.get("reactions", []))

    on_parent = [t for t in answered if checked(t[0])]
    on_reply = [t for t in answered if not checked(t[0]) and any(checked(m) for m in t[1:])]
    unmarked = [t for t in answered if not any(checked(m) for m in t)]
    assert on_parent and on_reply and unmarked
    assert {r["name"] for m in messages for r in m.get("reactions", [])} >= CHECKS
    docs = [t for t in answered if any("doc" in m["text"].lower() for m in t)]
    assert any(any(ISSUE_OR_PR_URL.search(m["text"]) for m in t) for t in docs)
    assert any(not any(ISSUE_OR_PR_URL.search(m["text"]) for m in t) for t in docs)

    former = next(r for r in roster if r["valid_to"])
    left = datetime.fromisoformat(former["valid_to"]).replace(tzinfo=ds.tz).timestamp()
    posts = [float(m["ts"]) for m in messages if m.get("user") == former["slack_user_id"]]
    assert any(t > left + 86400 for t in posts) and any(t < left for t in posts)
    assert any(
        u["profile"].get("email", "").endswith("@meltano.com") and u["id"] not in by_id
        for u in users
    )
    stamps = sorted(float(m["ts"]) for m in messages)
    for switch in _dst_switches(ds):
        assert any(abs(t - switch) < 3600 for t in stamps)
    now = DEFAULT_ANCHOR.timestamp()
    assert any(now - float(t[0]["ts"]) < 6 * 3600 and len(t) == 1 for t in threads.values())


def test_github_cases(small):
    ds = small
    roster = _roster(ds)
    team = {r["github_login"] for r in roster if r["github_login"]}
    members = {m["login"] for m in ds["github/members"]}
    repos = {r["full_name"] for r in ds["github/repos"]}
    assert any(re.fullmatch(r"MeltanoLabs/tap-.+", r) for r in repos)
    assert any(re.fullmatch(r"MeltanoLabs/target-.+", r) for r in repos)
    assert any(
        r.startswith("MeltanoLabs/") and "/tap-" not in r and "/target-" not in r for r in repos
    )
    assert any(r.startswith("meltano/") for r in repos)
    issues = ds["github/issues"]
    logins = Counter(i["user"]["login"] for i in issues)
    assert {"dependabot[bot]"} <= set(logins)
    every_user = [i["user"] for i in issues] + [c["user"] for c in ds["github/issue_comments"]]
    assert {u["login"] for u in every_user if u["type"] == "Bot"} == {
        "dependabot[bot]",
        "github-actions[bot]",
    }
    assert set(logins) & team
    assert set(logins) & (members - team)
    assert set(logins) - members - team - {"dependabot[bot]"}
    assert any("pull_request" in i for i in issues) and any("pull_request" not in i for i in issues)
    responded = {c["issue_url"] for c in ds["github/issue_comments"]}
    responded |= {
        r["pull_request_url"].replace("/pulls/", "/issues/") for r in ds["github/reviews"]
    }
    assert any(i["url"] not in responded for i in issues)
    assert any("<script>" in i["title"] for i in issues)
    assert {"MEMBER", "CONTRIBUTOR", "COLLABORATOR"} <= {i["author_association"] for i in issues}
    # The roster and author_association disagree for someone: the roster must win downstream.
    assert any(
        i["user"]["login"] in team and i["author_association"] == "CONTRIBUTOR" for i in issues
    )
    assert {"APPROVED", "COMMENTED"} <= {r["state"] for r in ds["github/reviews"]}
    assert ds["github/review_comments"]


def test_hubspot_cases(small):
    ds = small
    roster = _roster(ds)
    owners = {o["id"]: o for o in ds["hubspot/owners"]}
    actor_of = {
        r["hubspot_owner_id"]: f"A-{owners[r['hubspot_owner_id']]['userId']}"
        for r in roster
        if r["hubspot_owner_id"]
    }
    chat_owner = next(
        actor_of[r["hubspot_owner_id"]] for r in roster if "live_chat_owner" in r["duties"]
    )
    presales_owner = next(
        actor_of[r["hubspot_owner_id"]] for r in roster if "presales_owner" in r["duties"]
    )
    tickets = {t["id"]: t["properties"] for t in ds["hubspot/tickets"]}
    assert {p["source_type"] for p in tickets.values()} == {"EMAIL", "CHAT", "FORM"}
    categories = Counter(p["hs_ticket_category"] for p in tickets.values())
    assert categories["SECURITY_ISSUE"] >= 3 and categories["PRE_SALES"] and categories["RFP"]
    threads = ds["hubspot/threads"]
    msgs = defaultdict(list)
    for m in ds["hubspot/messages"]:
        msgs[m["threadId"]].append(m)
    assert {m["type"] for ms in msgs.values() for m in ms} == {"MESSAGE", "COMMENT"}
    assert any(m["senders"][0]["actorId"].startswith("B-") for ms in msgs.values() for m in ms)

    def agent_replies(thread_id):
        return [
            m
            for m in msgs[thread_id]
            if m["type"] == "MESSAGE"
            and m["direction"] == "OUTGOING"
            and m["senders"][0]["actorId"].startswith("A-")
        ]

    ticket_thread = {
        th["threadAssociations"]["associatedTicketId"]: th
        for th in threads
        if "threadAssociations" in th
    }
    fallback = [
        tid
        for tid, p in tickets.items()
        if p["first_agent_reply_date"] in (None, "")
        and tid in ticket_thread
        and agent_replies(ticket_thread[tid]["id"])
    ]
    reply_dates = {tickets[t]["first_agent_reply_date"] for t in fallback}
    assert reply_dates == {None, ""}
    assert all(
        ticket_thread[tid]["originalChannelId"] == "1002"
        for tid, p in tickets.items()
        if p["source_type"] == "EMAIL"
    )

    chats = [th for th in threads if th["originalChannelId"] == "1000"]
    presales = [
        th
        for th in chats
        if "threadAssociations" in th
        and tickets[th["threadAssociations"]["associatedTicketId"]]["hs_ticket_category"]
        in ("PRE_SALES", "RFP")
    ]
    assert presales and any("threadAssociations" not in th for th in chats)
    expected = {th["id"]: presales_owner if th in presales else chat_owner for th in chats}
    routed = [th for th in chats if th["assignedTo"] == expected[th["id"]]]
    misrouted = [th for th in chats if th["assignedTo"] not in (None, expected[th["id"]])]
    assert routed and misrouted
    assert any(not agent_replies(th["id"]) for th in chats)

    def max_gap_days(thread_id):
        times = sorted(_epoch(m["createdAt"]) for m in agent_replies(thread_id))
        return max((b - a for a, b in itertools.pairwise(times)), default=0) / 86400

    open_security = [
        tid
        for tid, p in tickets.items()
        if p["hs_ticket_category"] == "SECURITY_ISSUE" and not p["closed_date"]
    ]
    gaps = [max_gap_days(ticket_thread[tid]["id"]) for tid in open_security]
    assert any(g > 7 for g in gaps) and any(0 < g <= 7 for g in gaps)
    created = [_epoch(p["createdate"]) for p in tickets.values()]
    for switch in _dst_switches(ds):
        assert any(abs(t - switch) < 3600 for t in created)
