"""The sandbox's fake Slack, GitHub and HubSpot APIs over real HTTP, on small hand-built data.

Expected answers are derived from the dataset the test writes (sorting, filtering), never typed
in, and every paging walk is checked to return each object exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from covered.sandbox.errors import SandboxError
from covered.sandbox.server import start

BASE = datetime(2026, 9, 1, tzinfo=UTC)
TOKEN = {"Authorization": "Bearer test-token"}
TAP_GITHUB = Path(sys.executable).parents[2] / ".meltano/extractors/tap-github/venv/bin/tap-github"


def iso(hours: float, millis: bool = False) -> str:
    text = (BASE + timedelta(hours=hours)).isoformat(
        timespec="milliseconds" if millis else "seconds"
    )
    return text.replace("+00:00", "Z")


def slack_ts(hours: float, micro: int) -> str:
    return f"{int((BASE + timedelta(hours=hours)).timestamp())}.{micro:06d}"


def write(root: Path, relative: str, items: list) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items))


def api_url(repo: str, *rest: str) -> str:
    return "/".join(["https://api.github.com/repos", repo, *rest])


def build_dataset(root: Path) -> dict:
    """A little of everything, including the edge cases each API has to get right."""
    slack_channels = [
        {"id": "C1", "name": "support", "is_private": False, "is_archived": False},
        {"id": "C2", "name": "random", "is_private": False, "is_archived": True},
        {"id": "C3", "name": "secret", "is_private": True, "is_archived": False},
    ]
    users = [{"id": f"U{n}", "name": f"user{n}", "team_id": "T1"} for n in range(7)]
    usergroups = [
        {"id": "S1", "handle": "eng", "users": ["U1", "U2"], "date_delete": 0},
        {"id": "S2", "handle": "old", "users": ["U3"], "date_delete": 1700000000},
    ]
    parent_ts = slack_ts(1, 111111)
    messages = [
        {
            "channel": "C1",
            "type": "message",
            "ts": slack_ts(h, 100 + h),
            "user": "U1",
            "text": f"m{h}",
        }
        for h in (0, 2, 3, 5, 8, 13)
    ]
    messages.append(
        {
            "channel": "C1",
            "type": "message",
            "ts": parent_ts,
            "thread_ts": parent_ts,
            "user": "U2",
            "text": "question",
            "reply_count": 4,
        }
    )
    replies = [slack_ts(1 + h, 200 + h) for h in (1, 2, 4, 6)]
    for n, ts in enumerate(replies):
        extra = {"subtype": "thread_broadcast"} if n == 2 else {}
        messages.append(
            {
                "channel": "C1",
                "type": "message",
                "ts": ts,
                "thread_ts": parent_ts,
                "user": "U3",
                "text": f"reply {n}",
                **extra,
            }
        )
    messages.append({"channel": "C3", "type": "message", "ts": slack_ts(4, 1), "text": "private"})
    write(root, "slack/channels.json", slack_channels)
    write(root, "slack/users.json", users)
    write(root, "slack/usergroups.json", usergroups)
    write(root, "slack/messages.json", messages)

    repos, issues, comments, pulls, reviews, review_comments = [], [], [], [], [], []
    for r, name in enumerate(("alpha", "beta")):
        full = f"acme/{name}"
        repos.append(
            {
                "id": 100 + r,
                "name": name,
                "full_name": full,
                "owner": {"login": "acme", "id": 9},
                "created_at": iso(-1000 + r),
                "updated_at": iso(-10 + r),
            }
        )
        for n in range(1, 8):
            issues.append(
                {
                    "id": 1000 * (r + 1) + n,
                    "number": n,
                    "title": f"issue {n}",
                    "state": "open" if n % 3 else "closed",
                    "repository_url": api_url(full),
                    "created_at": iso(n),
                    "updated_at": iso(50 - 3 * n),
                }
            )
            comments.append(
                {
                    "id": 5000 * (r + 1) + n,
                    "issue_url": api_url(full, "issues", str(n)),
                    "body": "c",
                    "created_at": iso(n + 1),
                    "updated_at": iso(n + 1),
                }
            )
        for n in (2, 4, 6):
            pulls.append(
                {
                    "id": 9000 * (r + 1) + n,
                    "number": n,
                    "state": "open",
                    "base": {"repo": {"full_name": full}},
                    "created_at": iso(n),
                    "updated_at": iso(n + 9),
                }
            )
            for k in range(3):
                reviews.append(
                    {
                        "id": 70000 * (r + 1) + 10 * n + k,
                        "state": "COMMENTED",
                        "pull_request_url": api_url(full, "pulls", str(n)),
                        "submitted_at": iso(n + k),
                    }
                )
            review_comments.append(
                {
                    "id": 80000 * (r + 1) + n,
                    "pull_request_url": api_url(full, "pulls", str(n)),
                    "html_url": f"https://github.com/{full}/pull/{n}#discussion_r{n}",
                    "created_at": iso(n),
                    "updated_at": iso(n + 2),
                }
            )
    members = [{"org": "acme", "login": f"dev{n}", "id": 300 + n, "type": "User"} for n in range(5)]
    write(root, "github/repos.json", repos)
    write(root, "github/members.json", members)
    write(root, "github/issues.json", issues)
    write(root, "github/issue_comments.json", comments)
    write(root, "github/pulls.json", pulls)
    write(root, "github/reviews.json", reviews)
    write(root, "github/review_comments.json", review_comments)

    owners = [{"id": str(40 + n), "email": f"o{n}@acme.test", "archived": False} for n in range(5)]
    tickets = [
        {
            "id": str(600 + n),
            "archived": False,
            "properties": {
                "subject": f"t{n}",
                "createdate": iso(n, True),
                "hs_lastmodifieddate": iso(10 * n, True),
                "hs_ticket_category": "X",
            },
        }
        for n in range(9)
    ]
    threads = [
        {
            "id": str(800 + n),
            "createdAt": iso(n, True),
            "status": "OPEN",
            "archived": False,
            "threadAssociations": {"associatedTicketId": str(600 + n)},
            **({"latestMessageTimestamp": iso(5 * n, True)} if n != 2 else {}),
        }
        for n in range(5)
    ]
    hub_messages = [
        {"id": f"m{t}-{k}", "threadId": str(800 + t), "createdAt": iso(t + k, True), "text": "hi"}
        for t in range(5)
        for k in range(3 if t != 2 else 4)
    ]
    write(root, "hubspot/owners.json", owners)
    write(root, "hubspot/tickets.json", tickets)
    write(root, "hubspot/threads.json", threads)
    write(root, "hubspot/messages.json", hub_messages)
    return {
        "channels": slack_channels,
        "users": users,
        "messages": messages,
        "parent_ts": parent_ts,
        "repos": repos,
        "issues": issues,
        "comments": comments,
        "pulls": pulls,
        "reviews": reviews,
        "review_comments": review_comments,
        "members": members,
        "owners": owners,
        "tickets": tickets,
        "threads": threads,
        "hub_messages": hub_messages,
    }


@pytest.fixture
def data(tmp_path) -> dict:
    return build_dataset(tmp_path / "dataset") | {"dir": tmp_path / "dataset"}


@pytest.fixture
def sandbox(data):
    server = start(data["dir"])
    yield server
    server.stop()


def call(url: str, headers: dict | None = None, body: bytes | None = None, method: str = "GET"):
    """(status, headers, parsed JSON) of one real HTTP request."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def slack(sandbox, method: str, **params) -> dict:
    query = urllib.parse.urlencode(params)
    status, _, body = call(f"{sandbox.url}/slack/api/{method}?{query}", TOKEN)
    assert status == 200
    return body


def slack_walk(sandbox, method: str, key: str, **params) -> list:
    items, cursor, pages = [], "", 0
    while True:
        body = slack(sandbox, method, cursor=cursor, **params)
        assert body["ok"], body
        items += body[key]
        pages += 1
        cursor = body["response_metadata"]["next_cursor"]
        if not cursor:
            return items


def without_channel(message: dict) -> dict:
    return {k: v for k, v in message.items() if k != "channel"}


def top_level(data: dict, channel: str) -> list[dict]:
    return sorted(
        (
            without_channel(m)
            for m in data["messages"]
            if m["channel"] == channel
            and (m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast")
        ),
        key=lambda m: float(m["ts"]),
        reverse=True,
    )


# --- Slack -------------------------------------------------------------------------------------


def test_slack_lists_page_through_everything_once(sandbox, data):
    all_types = "public_channel,private_channel"
    channels = slack_walk(sandbox, "conversations.list", "channels", types=all_types, limit=1)
    assert channels == data["channels"]
    public = slack_walk(sandbox, "conversations.list", "channels", exclude_archived="true")
    assert [c["id"] for c in public] == [
        c["id"] for c in data["channels"] if not c["is_private"] and not c["is_archived"]
    ]
    assert slack_walk(sandbox, "users.list", "members", limit=2) == data["users"]


def test_slack_history_is_newest_first_and_pages_exactly(sandbox, data):
    history = slack_walk(sandbox, "conversations.history", "messages", channel="C1", limit=2)
    assert history == top_level(data, "C1")
    first = slack(sandbox, "conversations.history", channel="C1", limit=2)
    assert first["has_more"] is True
    assert all("channel" not in m for m in history)


def test_slack_history_window_is_exact_at_the_boundaries(sandbox, data):
    expected = top_level(data, "C1")
    newest, oldest = expected[1]["ts"], expected[-2]["ts"]
    inside = [m for m in expected if float(oldest) < float(m["ts"]) < float(newest)]
    exclusive = slack_walk(
        sandbox, "conversations.history", "messages", channel="C1", oldest=oldest, latest=newest
    )
    assert exclusive == inside
    inclusive = slack_walk(
        sandbox,
        "conversations.history",
        "messages",
        channel="C1",
        oldest=oldest,
        latest=newest,
        inclusive="true",
        limit=1,
    )
    assert inclusive == [expected[1], *inside, expected[-2]]


def test_slack_replies_parent_first_then_each_reply_once(sandbox, data):
    parent_ts = data["parent_ts"]
    thread = sorted(
        (without_channel(m) for m in data["messages"] if m.get("thread_ts") == parent_ts),
        key=lambda m: float(m["ts"]),
    )
    walked = slack_walk(
        sandbox, "conversations.replies", "messages", channel="C1", ts=parent_ts, limit=2
    )
    assert walked == thread
    # Asking with a reply's ts gives the same thread; oldest filters the replies, not the parent.
    replies = thread[1:]
    windowed = slack_walk(
        sandbox,
        "conversations.replies",
        "messages",
        channel="C1",
        ts=replies[0]["ts"],
        oldest=replies[1]["ts"],
        inclusive="1",
    )
    assert windowed == [thread[0], *replies[1:]]


def test_slack_auth_and_errors(sandbox):
    url = f"{sandbox.url}/slack/api/conversations.history?channel=C1"
    assert call(url)[2] == {"ok": False, "error": "not_authed"}
    assert call(url + "&token=xoxb-1")[2]["ok"] is True
    form = urllib.parse.urlencode({"token": "xoxb-1", "channel": "C1", "limit": "1"}).encode()
    status, _, body = call(
        f"{sandbox.url}/slack/api/conversations.history",
        {"Content-Type": "application/x-www-form-urlencoded"},
        form,
        "POST",
    )
    assert (status, body["ok"], len(body["messages"])) == (200, True, 1)
    assert slack(sandbox, "conversations.history", channel="C404")["error"] == "channel_not_found"
    assert slack(sandbox, "conversations.replies", channel="C1", ts="1.0")["error"] == (
        "thread_not_found"
    )
    assert slack(sandbox, "conversations.history", channel="C1", cursor="zzz")["error"] == (
        "invalid_cursor"
    )
    assert slack(sandbox, "auth.test")["team_id"] == "T1"


def test_slack_usergroups(sandbox):
    plain = slack(sandbox, "usergroups.list")["usergroups"]
    assert [g["handle"] for g in plain] == ["eng"]
    assert "users" not in plain[0]
    full = slack(sandbox, "usergroups.list", include_users="true", include_disabled="true")
    assert [g.get("users") for g in full["usergroups"]] == [["U1", "U2"], ["U3"]]


# --- GitHub ------------------------------------------------------------------------------------


def github_walk(sandbox, path: str, **params) -> tuple[list, int]:
    """Follow Link rel="next" from the first page; returns the items and the page count."""
    url = f"{sandbox.url}/github{path}?{urllib.parse.urlencode(params)}"
    items, pages = [], 0
    while url:
        status, headers, body = call(url)
        assert status == 200, body
        assert int(headers["X-RateLimit-Remaining"]) > 1000
        items += body
        pages += 1
        links = {
            part.split(";")[1].strip(): part.split(";")[0].strip()[1:-1]
            for part in (headers.get("Link") or "").split(",")
            if part
        }
        url = links.get('rel="next"')
    return items, pages


def ids(items: list) -> list:
    return [item["id"] for item in items]


def test_github_org_endpoints(sandbox, data):
    status, _, org = call(f"{sandbox.url}/github/orgs/acme")
    assert (status, org["login"]) == (200, "acme")
    repos, pages = github_walk(sandbox, "/orgs/acme/repos", per_page=1)
    assert sorted(ids(repos)) == sorted(ids(data["repos"])) and pages == len(data["repos"])
    members, _ = github_walk(sandbox, "/orgs/acme/members", per_page=2)
    assert members == [{k: v for k, v in m.items() if k != "org"} for m in data["members"]]
    assert call(f"{sandbox.url}/github/orgs/nobody")[0] == 404
    # Endpoints of streams the pipeline does not select answer an empty list, not a 404.
    assert call(f"{sandbox.url}/github/repos/acme/alpha/releases")[:3:2] == (200, [])


@pytest.mark.parametrize(
    ("collection", "path", "extra"),
    [
        ("issues", "issues", {"state": "all", "sort": "updated", "direction": "asc"}),
        ("comments", "issues/comments", {"sort": "updated", "direction": "desc"}),
        ("pulls", "pulls", {"state": "all", "sort": "updated", "direction": "desc"}),
        ("review_comments", "pulls/comments", {"sort": "updated", "direction": "asc"}),
    ],
)
def test_github_repo_listings_page_exactly(sandbox, data, collection, path, extra):
    for repo in data["repos"]:
        in_repo = [item for item in data[collection] if repo["full_name"] in json.dumps(item)]
        expected = sorted(in_repo, key=lambda i: (i["updated_at"], i["id"]))
        if extra["direction"] == "desc":
            expected.reverse()
        walked, pages = github_walk(
            sandbox, f"/repos/{repo['full_name']}/{path}", per_page=2, **extra
        )
        assert ids(walked) == ids(expected)
        assert pages == -(-len(expected) // 2)


def test_github_issues_use_after_cursors_and_filter_state(sandbox, data):
    status, headers, _ = call(f"{sandbox.url}/github/repos/acme/alpha/issues?per_page=2&state=all")
    assert status == 200 and "after=" in headers["Link"]
    open_issues, _ = github_walk(sandbox, "/repos/acme/alpha/issues", per_page=3)
    expected = [
        i
        for i in data["issues"]
        if i["repository_url"].endswith("acme/alpha") and i["state"] == "open"
    ]
    # Default order: created, newest first.
    assert ids(open_issues) == ids(sorted(expected, key=lambda i: i["created_at"], reverse=True))
    assert all(issue["type"] is None for issue in open_issues)  # GitHub always sends "type"


@pytest.mark.parametrize("path", ["issues", "issues/comments", "pulls/comments"])
def test_github_since_is_inclusive_to_the_second(sandbox, data, path):
    collection = {"issues": "issues", "issues/comments": "comments"}.get(path, "review_comments")
    in_repo = [i for i in data[collection] if "acme/beta" in json.dumps(i)]
    boundary = sorted(i["updated_at"] for i in in_repo)[len(in_repo) // 2]
    for since, keep in (
        (boundary, lambda i: i["updated_at"] >= boundary),
        (boundary.replace("Z", ".001+00:00"), lambda i: i["updated_at"] > boundary),
    ):
        walked, _ = github_walk(
            sandbox, f"/repos/acme/beta/{path}", per_page=100, since=since, state="all"
        )
        assert sorted(ids(walked)) == sorted(ids([i for i in in_repo if keep(i)]))


def test_github_reviews_per_pull(sandbox, data):
    for pull in data["pulls"]:
        full = pull["base"]["repo"]["full_name"]
        walked, _ = github_walk(
            sandbox, f"/repos/{full}/pulls/{pull['number']}/reviews", per_page=2
        )
        expected = [
            r
            for r in data["reviews"]
            if r["pull_request_url"] == api_url(full, "pulls", str(pull["number"]))
        ]
        assert ids(walked) == ids(expected)


@pytest.mark.skipif(not TAP_GITHUB.exists(), reason="tap-github not installed (make setup)")
def test_tap_github_extracts_the_whole_dataset_without_a_token(sandbox, data, tmp_path):
    config = {
        "organizations": ["acme"],
        "api_url_base": f"{sandbox.url}/github",
        "start_date": "2020-01-01T00:00:00Z",
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    discovered = subprocess.run(
        [TAP_GITHUB, "--config", tmp_path / "config.json", "--discover"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    catalog = json.loads(discovered.stdout)
    wanted = {
        "repositories": data["repos"],
        "issues": data["issues"],
        "issue_comments": data["comments"],
        "pull_requests": data["pulls"],
        "reviews": data["reviews"],
        "review_comments": data["review_comments"],
        "organization_members": data["members"],
    }
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] in wanted
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    sandbox.reset_stats()
    run = subprocess.run(
        [TAP_GITHUB, "--config", tmp_path / "config.json", "--catalog", tmp_path / "catalog.json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    records: dict[str, list] = {}
    for line in run.stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"]["id"])
    for stream, expected in wanted.items():
        assert sorted(records.get(stream, [])) == sorted(ids(expected)), stream
    assert sandbox.stats()["requests"].get("/github GET *") is None  # nothing unexpected called


# --- HubSpot -----------------------------------------------------------------------------------


def hubspot(sandbox, path: str, body: dict | None = None, **params):
    query = f"?{urllib.parse.urlencode(params, doseq=True)}" if params else ""
    data = json.dumps(body).encode() if body is not None else None
    headers = {**TOKEN, "Content-Type": "application/json"}
    return call(f"{sandbox.url}/hubspot{path}{query}", headers, data, "POST" if data else "GET")


def hubspot_walk(sandbox, path: str, body: dict | None = None, **params) -> list:
    items, after = [], None
    while True:
        if body is not None:
            status, _, page = hubspot(
                sandbox, path, {**body, **({"after": after} if after else {})}
            )
        else:
            status, _, page = hubspot(
                sandbox, path, **params, **({"after": after} if after else {})
            )
        assert status == 200, page
        items += page["results"]
        after = page.get("paging", {}).get("next", {}).get("after")
        if after is None:
            return items


def test_hubspot_needs_a_bearer_token(sandbox):
    status, _, body = call(f"{sandbox.url}/hubspot/crm/v3/owners")
    assert (status, body["category"]) == (401, "INVALID_AUTHENTICATION")


def test_hubspot_lists_page_exactly(sandbox, data):
    assert hubspot_walk(sandbox, "/crm/v3/owners", limit=2) == data["owners"]
    tickets = hubspot_walk(sandbox, "/crm/v3/objects/tickets", limit=2, properties="subject")
    assert ids(tickets) == ids(data["tickets"])
    assert tickets[0]["properties"]["subject"] == data["tickets"][0]["properties"]["subject"]
    threads = hubspot_walk(sandbox, "/conversations/v3/conversations/threads", limit=2)
    assert ids(threads) == ids(data["threads"])
    assert all("threadAssociations" not in t for t in threads)
    for thread in data["threads"]:
        messages = hubspot_walk(
            sandbox, f"/conversations/v3/conversations/threads/{thread['id']}/messages", limit=2
        )
        assert ids(messages) == ids(
            [m for m in data["hub_messages"] if m["threadId"] == thread["id"]]
        )


def test_hubspot_search_on_last_modified_is_exact(sandbox, data):
    modified = [t["properties"]["hs_lastmodifieddate"] for t in data["tickets"]]
    low, high = modified[2], modified[6]

    def search(*filters):
        body = {
            "filterGroups": [{"filters": list(filters)}],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "properties": ["subject"],
            "limit": 2,
        }
        return [
            t["properties"]["hs_lastmodifieddate"]
            for t in hubspot_walk(sandbox, "/crm/v3/objects/tickets/search", body)
        ]

    def flt(operator, value, **extra):
        return {
            "propertyName": "hs_lastmodifieddate",
            "operator": operator,
            "value": value,
            **extra,
        }

    as_ms = str(int(datetime.fromisoformat(low).timestamp() * 1000))
    assert search(flt("GTE", low)) == [m for m in modified if m >= low]
    assert search(flt("GT", as_ms)) == [m for m in modified if m > low]
    assert search(flt("GTE", low), flt("LT", high)) == [m for m in modified if low <= m < high]
    assert search(flt("LTE", high)) == [m for m in modified if m <= high]
    assert search(flt("BETWEEN", low, highValue=high)) == [m for m in modified if low <= m <= high]


def test_hubspot_search_stops_at_ten_thousand_results(tmp_path):
    tickets = [
        {"id": str(n), "properties": {"hs_lastmodifieddate": iso(n / 100, True)}}
        for n in range(1, 10_051)
    ]
    write(tmp_path, "hubspot/tickets.json", tickets)
    with start(tmp_path) as sandbox:
        status, _, page = hubspot(
            sandbox, "/crm/v3/objects/tickets/search", {"limit": 200, "after": "9800"}
        )
        assert (status, page["total"], len(page["results"])) == (200, 10_050, 200)
        assert page["paging"]["next"]["after"] == "10000"
        status, _, error = hubspot(sandbox, "/crm/v3/objects/tickets/search", {"after": "10000"})
        assert (status, error["category"]) == (400, "VALIDATION_ERROR")


def test_hubspot_threads_since_latest_message(sandbox, data):
    latest = {
        t["id"]: t.get("latestMessageTimestamp")
        or max(m["createdAt"] for m in data["hub_messages"] if m["threadId"] == t["id"])
        for t in data["threads"]
    }
    boundary = sorted(latest.values())[2]
    walked = hubspot_walk(
        sandbox,
        "/conversations/v3/conversations/threads",
        limit=1,
        sort="latestMessageTimestamp",
        latestMessageTimestampAfter=boundary,
        association="TICKET",
    )
    expected = sorted((ts, i) for i, ts in latest.items() if ts >= boundary)
    assert [t["id"] for t in walked] == [i for _, i in expected]
    assert {t["id"]: t["latestMessageTimestamp"] for t in walked} == {i: ts for ts, i in expected}
    assert all(t["threadAssociations"]["associatedTicketId"] for t in walked)
    status, _, one = hubspot(sandbox, "/conversations/v3/conversations/threads/802")
    assert (status, one["latestMessageTimestamp"]) == (200, latest["802"])
    assert hubspot(sandbox, "/conversations/v3/conversations/threads/999")[0] == 404


def test_hubspot_ticket_properties_describe_the_data(sandbox):
    status, _, body = hubspot(sandbox, "/crm/v3/properties/tickets")
    types = {p["name"]: p["type"] for p in body["results"]}
    assert status == 200
    assert types["hs_lastmodifieddate"] == "datetime" and types["subject"] == "string"


# --- the server itself -------------------------------------------------------------------------


def test_stats_count_route_patterns_and_reset(sandbox):
    for repo in ("alpha", "beta"):
        call(f"{sandbox.url}/github/repos/acme/{repo}/issues")
    slack(sandbox, "users.list")
    _, _, stats = call(f"{sandbox.url}/_sandbox/stats")
    assert stats == {
        "requests": {
            "/github GET /repos/{owner}/{repo}/issues": 2,
            "/slack/api GET /users.list": 1,
        },
        "total": 3,
    }
    assert call(f"{sandbox.url}/_sandbox/stats/reset", body=b"", method="POST")[2]["total"] == 0
    assert sandbox.stats() == {"requests": {}, "total": 0}


def test_reload_sees_an_edited_dataset(sandbox, data):
    users = [*data["users"], {"id": "U99", "name": "new"}]
    write(data["dir"], "slack/users.json", users)
    assert slack_walk(sandbox, "users.list", "members") == data["users"]
    sandbox.reload()
    assert slack_walk(sandbox, "users.list", "members") == users


def test_refuses_a_non_loopback_address(data):
    for host in ("0.0.0.0", "192.168.1.10", "example.com", "::"):  # noqa: S104
        with pytest.raises(SandboxError, match="only listens on loopback"):
            start(data["dir"], host=host)


@pytest.mark.parametrize(
    ("relative", "content", "problem"),
    [
        ("slack/messages.json", "[{", "invalid JSON"),
        ("github/issues.json", '{"id": 1}', "expected a JSON array"),
        ("hubspot/tickets.json", '[{"properties": {}}]', "item 0: missing 'id'"),
        ("slack/messages.json", '[{"channel": "C1", "ts": "abc"}]', "not a Slack timestamp"),
        ("github/issues.json", '[{"id": 1, "created_at": "x", "repository_url": "u"}]', "ISO 8601"),
    ],
)
def test_bad_dataset_file_is_one_line_naming_it(tmp_path, relative, content, problem):
    write(tmp_path, "slack/users.json", [])
    (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / relative).write_text(content)
    with pytest.raises(SandboxError) as caught:
        start(tmp_path)
    message = str(caught.value)
    assert relative in message and problem in message and "\n" not in message


def test_missing_files_are_empty_collections(tmp_path):
    with start(tmp_path) as sandbox:
        assert slack(sandbox, "users.list")["members"] == []
        assert hubspot(sandbox, "/crm/v3/owners")[2] == {"results": []}
