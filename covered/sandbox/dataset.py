"""Load a sandbox dataset directory, validate it and index it once for the request handlers.

The format is `shared/spec/sandbox.md`: one JSON array of vendor-shaped objects per file; a
missing file is an empty collection. Anything else wrong (bad JSON, not an array, an object
without the keys the server indexes on, an unparsable timestamp) is a `SandboxError` whose
one-line message names the file, so `covered sandbox serve` never shows a traceback.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from covered.sandbox.errors import SandboxError


def parse_time(value: object) -> float:
    """An ISO 8601 instant (naive means UTC) as epoch seconds; ValueError if it is not one."""
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def id_order(value: object) -> tuple[int, int, str]:
    """Sort key for vendor ids that are numbers or numeric strings (numeric order first)."""
    text = str(value)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


class Entry(NamedTuple):
    """A GitHub record with the timestamps the handlers sort and filter on."""

    created: float
    updated: float
    order: tuple[int, int, str]
    obj: dict


@dataclass
class Dataset:
    # Slack
    channels: list[dict] = field(default_factory=list)
    channel_by_id: dict[str, dict] = field(default_factory=dict)
    users: list[dict] = field(default_factory=list)
    usergroups: list[dict] = field(default_factory=list)
    # channel id -> top-level messages, ascending ts, with the parallel list of ts keys
    history: dict[str, list[dict]] = field(default_factory=dict)
    history_keys: dict[str, list[Decimal]] = field(default_factory=dict)
    # (channel id, thread_ts) -> replies without the parent, ascending ts, and their keys
    replies: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    replies_keys: dict[tuple[str, str], list[Decimal]] = field(default_factory=dict)
    # (channel id, ts) -> message, for conversations.replies
    message_by_ts: dict[tuple[str, str], dict] = field(default_factory=dict)
    # GitHub, keyed by lowercase org or "owner/repo"
    orgs: dict[str, dict] = field(default_factory=dict)
    repos_by_org: dict[str, list[Entry]] = field(default_factory=dict)
    repo_by_name: dict[str, dict] = field(default_factory=dict)
    members_by_org: dict[str, list[dict]] = field(default_factory=dict)
    issues: dict[str, list[Entry]] = field(default_factory=dict)
    issue_comments: dict[str, list[Entry]] = field(default_factory=dict)
    pulls: dict[str, list[Entry]] = field(default_factory=dict)
    reviews: dict[tuple[str, int], list[dict]] = field(default_factory=dict)
    review_comments: dict[str, list[Entry]] = field(default_factory=dict)
    # HubSpot, each list in id order
    owners: list[dict] = field(default_factory=list)
    tickets: list[dict] = field(default_factory=list)
    threads: list[dict] = field(default_factory=list)
    thread_by_id: dict[str, dict] = field(default_factory=dict)
    thread_latest: dict[str, float | None] = field(default_factory=dict)
    thread_messages: dict[str, list[dict]] = field(default_factory=dict)
    # listings the handlers computed for a query, reused while a client pages through them
    memo: dict[tuple, list] = field(default_factory=dict)


class _File:
    """One dataset file being loaded: its items and one-line errors that name it."""

    def __init__(self, root: Path, relative: str):
        self.path = root / relative
        self.items: list[dict] = []
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise self.error(f"cannot read: {exc}") from None
        except json.JSONDecodeError as exc:
            raise self.error(f"invalid JSON: {exc}") from None
        if not isinstance(data, list):
            raise self.error(f"expected a JSON array, found {type(data).__name__}")
        for number, item in enumerate(data):
            if not isinstance(item, dict):
                raise self.error(f"item {number} is {type(item).__name__}, expected an object")
        self.items = data

    def error(self, problem: str, number: int | None = None) -> SandboxError:
        where = f"item {number}: " if number is not None else ""
        return SandboxError(f"{self.path}: {where}{problem}")

    def require(self, number: int, item: dict, dotted: str) -> Any:
        """The value at a dotted key path; an error naming the file and item if it is absent."""
        value: Any = item.get(dotted)  # the common case: a top-level key
        if value is not None:
            return value
        value = item
        for part in dotted.split("."):
            if not isinstance(value, dict) or value.get(part) is None:
                raise self.error(f"missing '{dotted}'", number)
            value = value[part]
        return value

    def time(self, number: int, item: dict, dotted: str) -> float:
        value = self.require(number, item, dotted)
        try:
            return parse_time(value)
        except ValueError:
            problem = f"'{dotted}' is not an ISO 8601 timestamp: {value!r}"
            raise self.error(problem, number) from None

    def repo_of(self, number: int, item: dict, dotted: str) -> str:
        """The lowercase "owner/repo" of a full name or an API URL .../repos/{owner}/{repo}/..."""
        value = str(self.require(number, item, dotted))
        parts = value.split("/")
        if len(parts) == 2 and all(parts):
            return value.lower()
        if "repos" not in parts or len(parts) < parts.index("repos") + 3:
            raise self.error(f"'{dotted}' names no repository: {value!r}", number)
        at = parts.index("repos")
        return f"{parts[at + 1]}/{parts[at + 2]}".lower()

    def number_at_end(self, number: int, item: dict, dotted: str) -> int:
        url = str(self.require(number, item, dotted))
        tail = url.rstrip("/").rsplit("/", 1)[-1]
        if not tail.isdigit():
            raise self.error(f"'{dotted}' does not end with a number: {url!r}", number)
        return int(tail)


def _slack_ts(file: _File, number: int, item: dict, key: str) -> Decimal:
    value = file.require(number, item, key)
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        parsed = Decimal("NaN")
    if not parsed.is_finite():
        raise file.error(f"'{key}' is not a Slack timestamp: {value!r}", number)
    return parsed


def _load_slack(root: Path, ds: Dataset) -> None:
    for name, target in (
        ("channels", ds.channels),
        ("users", ds.users),
        ("usergroups", ds.usergroups),
    ):
        file = _File(root, f"slack/{name}.json")
        for number, item in enumerate(file.items):
            file.require(number, item, "id")
        target.extend(file.items)
    ds.channel_by_id = {str(channel["id"]): channel for channel in ds.channels}

    file = _File(root, "slack/messages.json")
    top: dict[str, list[tuple[Decimal, dict]]] = defaultdict(list)
    threads: dict[tuple[str, str], list[tuple[Decimal, dict]]] = defaultdict(list)
    for number, item in enumerate(file.items):
        channel = str(file.require(number, item, "channel"))
        key = _slack_ts(file, number, item, "ts")
        # The dataset's extra "channel" key is not part of Slack's message object.
        message = item
        del message["channel"]
        ts = str(message["ts"])
        ds.message_by_ts[(channel, ts)] = message
        thread_ts = message.get("thread_ts")
        is_reply = thread_ts is not None and str(thread_ts) != ts
        if not is_reply or message.get("subtype") == "thread_broadcast":
            top[channel].append((key, message))
        if is_reply:
            threads[(channel, str(thread_ts))].append((key, message))
    for channel, pairs in top.items():
        pairs.sort(key=lambda pair: pair[0])
        ds.history[channel] = [message for _, message in pairs]
        ds.history_keys[channel] = [key for key, _ in pairs]
    for thread, pairs in threads.items():
        pairs.sort(key=lambda pair: pair[0])
        ds.replies[thread] = [message for _, message in pairs]
        ds.replies_keys[thread] = [key for key, _ in pairs]


# Keys GitHub always sends (null when empty) and tap-github reads without a default.
_GITHUB_ALWAYS = {"issues": ("title", "body", "type"), "pulls": ("title", "body")}


# Keys tap-github reads from every record of a collection (beyond id and timestamps).
_GITHUB_REQUIRED = {"pulls": ("number",), "review_comments": ("html_url",)}


def _entries(root: Path, relative: str, repo_key: str) -> dict[str, list[Entry]]:
    file = _File(root, relative)
    always = _GITHUB_ALWAYS.get(Path(relative).stem, ("body",))
    required = _GITHUB_REQUIRED.get(Path(relative).stem, ())
    by_repo: dict[str, list[Entry]] = defaultdict(list)
    for number, item in enumerate(file.items):
        record_id = file.require(number, item, "id")
        for key in required:
            file.require(number, item, key)
        for key in always:
            item.setdefault(key, None)
        created = file.time(number, item, "created_at")
        updated = file.time(number, item, "updated_at") if item.get("updated_at") else created
        repo = file.repo_of(number, item, repo_key)
        by_repo[repo].append(Entry(created, updated, id_order(record_id), item))
    return dict(by_repo)


def _load_github(root: Path, ds: Dataset) -> None:
    file = _File(root, "github/repos.json")
    repos_by_org: dict[str, list[Entry]] = defaultdict(list)
    for number, item in enumerate(file.items):
        file.require(number, item, "id")
        name = file.require(number, item, "name")
        owner = file.require(number, item, "owner.login")
        created = file.time(number, item, "created_at") if item.get("created_at") else 0.0
        updated = file.time(number, item, "updated_at") if item.get("updated_at") else created
        repos_by_org[owner.lower()].append(Entry(created, updated, id_order(item["id"]), item))
        ds.repo_by_name[f"{owner}/{name}".lower()] = item
        ds.orgs.setdefault(owner.lower(), {"login": owner, **_org_fields(item["owner"])})
    ds.repos_by_org = dict(repos_by_org)

    file = _File(root, "github/members.json")
    members: dict[str, list[dict]] = defaultdict(list)
    for number, item in enumerate(file.items):
        org = str(file.require(number, item, "org"))
        file.require(number, item, "login")
        members[org.lower()].append({k: v for k, v in item.items() if k != "org"})
        ds.orgs.setdefault(org.lower(), {"login": org})
    ds.members_by_org = dict(members)

    ds.issues = _entries(root, "github/issues.json", "repository_url")
    ds.issue_comments = _entries(root, "github/issue_comments.json", "issue_url")
    ds.pulls = _entries(root, "github/pulls.json", "base.repo.full_name")
    ds.review_comments = _entries(root, "github/review_comments.json", "pull_request_url")

    file = _File(root, "github/reviews.json")
    reviews: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for number, item in enumerate(file.items):
        file.require(number, item, "id")
        repo = file.repo_of(number, item, "pull_request_url")
        pull = file.number_at_end(number, item, "pull_request_url")
        reviews[(repo, pull)].append(item)
    for items in reviews.values():
        items.sort(key=lambda review: id_order(review["id"]))
    ds.reviews = dict(reviews)


def _org_fields(owner: dict) -> dict:
    """The organization fields a repository's owner object already carries."""
    return {k: owner[k] for k in ("id", "node_id", "avatar_url", "description") if k in owner}


def _load_hubspot(root: Path, ds: Dataset) -> None:
    file = _File(root, "hubspot/owners.json")
    for number, item in enumerate(file.items):
        file.require(number, item, "id")
    ds.owners = sorted(file.items, key=lambda owner: id_order(owner["id"]))

    file = _File(root, "hubspot/tickets.json")
    for number, item in enumerate(file.items):
        file.require(number, item, "id")
        if not isinstance(file.require(number, item, "properties"), dict):
            raise file.error("'properties' is not an object", number)
        if item["properties"].get("hs_lastmodifieddate"):
            file.time(number, item, "properties.hs_lastmodifieddate")
    ds.tickets = sorted(file.items, key=lambda ticket: id_order(ticket["id"]))

    file = _File(root, "hubspot/messages.json")
    messages: dict[str, list[tuple[float, tuple, dict]]] = defaultdict(list)
    for number, item in enumerate(file.items):
        record_id = file.require(number, item, "id")
        thread = str(file.require(number, item, "threadId"))
        created = file.time(number, item, "createdAt")
        messages[thread].append((created, id_order(record_id), item))
    for thread, triples in messages.items():
        triples.sort(key=lambda triple: triple[:2])
        ds.thread_messages[thread] = [message for _, _, message in triples]

    file = _File(root, "hubspot/threads.json")
    for number, item in enumerate(file.items):
        thread = str(file.require(number, item, "id"))
        if item.get("latestMessageTimestamp"):
            latest: float | None = file.time(number, item, "latestMessageTimestamp")
        elif messages.get(thread):
            # Derived from the messages, as HubSpot maintains it.
            newest = max(messages[thread], key=lambda triple: triple[0])
            item = {**item, "latestMessageTimestamp": newest[2]["createdAt"]}
            latest = newest[0]
        else:
            latest = None
        ds.thread_by_id[thread] = item
        ds.thread_latest[thread] = latest
    ds.threads = sorted(ds.thread_by_id.values(), key=lambda thread: id_order(thread["id"]))


def load(data_dir: str | Path) -> Dataset:
    """Read and index every collection of the dataset directory."""
    root = Path(data_dir)
    if not root.is_dir():
        raise SandboxError(f"{root}: dataset directory not found")
    ds = Dataset()
    _load_slack(root, ds)
    _load_github(root, ds)
    _load_hubspot(root, ds)
    return ds
