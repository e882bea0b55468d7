"""The ~1% of new data for the incremental benchmark, derived from a generated dataset.

The generator spreads a year of activity over the window that ends at its anchor A. The
increment takes what was created in the last `fraction` of that window, [A - d, A) with
d = fraction x window, and clones it shifted by d into [A, A + d) with fresh ids: new Slack
messages and thread replies, GitHub issues (pull requests excluded) and issue comments, HubSpot
tickets, Conversations threads and their messages. A clone whose parent was cloned points at
the parent's clone; one whose parent is older lands in that parent, which is updated the way
the vendor would (Slack reply_count/latest_reply, GitHub issue comments/updated_at, HubSpot
latestMessageTimestamp). So the next run sees new items, new threads and changed old threads,
all dated after everything the previous run read, and the models are built as of A + d.

`append_increment` rewrites the dataset files in place and returns an `Increment`: what was
added, per listing scope, which is what `minimum_requests` turns into the least number of API
requests any extractor needs to fetch it (the formula is in docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from tap_covered_slack.client import ts_key

from covered.sandbox import github_api, hubspot_api, slack_api
from covered.sandbox.dataset import parse_time
from covered.sandbox.gen_common import Calendar, JsonArrayWriter, iso_ms, iso_z

MELTANO_YML = Path(__file__).resolve().parent.parent / "meltano.yml"


@dataclass
class Increment:
    """What `append_increment` added, counted per API listing scope."""

    anchor: datetime
    as_of: datetime
    added: Counter = field(default_factory=Counter)  # "slack/messages" -> items appended
    before: dict[str, int] = field(default_factory=dict)  # collection -> items before
    slack_history: Counter = field(default_factory=Counter)  # channel -> new top-level entries
    slack_threads: Counter = field(default_factory=Counter)  # (channel, parent ts) -> new replies
    github_issues: Counter = field(default_factory=Counter)  # repo -> new or changed issues
    github_comments: Counter = field(default_factory=Counter)  # repo -> new issue comments
    github_pulls: Counter = field(default_factory=Counter)  # repo -> pull requests changed
    hubspot_tickets: int = 0
    hubspot_threads: set = field(default_factory=set)  # threads new or with new messages
    hubspot_messages: Counter = field(default_factory=Counter)  # thread -> new messages

    @property
    def share(self) -> float:
        """Items added over items before, across the collections the increment touches."""
        before = sum(self.before[name] for name in self.added)
        return sum(self.added.values()) / before if before else 0.0


@dataclass(frozen=True)
class PageSizes:
    """Items per request of each listing, as the taps ask for them."""

    slack: int
    github: int
    hubspot_tickets: int
    hubspot_threads: int
    hubspot_messages: int

    @classmethod
    def of_taps(cls, meltano_yml: Path = MELTANO_YML) -> PageSizes:
        """The `limit`s our taps send (meltano.yml's page_size, else the tap's default) and
        tap-github's per_page."""
        from tap_covered_hubspot import streams as hubspot
        from tap_covered_hubspot.tap import TapCoveredHubSpot
        from tap_covered_slack.tap import TapCoveredSlack

        def limit(plugin: str, tap) -> int:
            configured = _meltano_setting(meltano_yml, plugin, "page_size")
            default = tap.config_jsonschema["properties"]["page_size"]["default"]
            return int(configured) if configured is not None else default

        hubspot_limit = limit("tap-hubspot", TapCoveredHubSpot)
        return cls(
            slack=limit("tap-slack", TapCoveredSlack),
            # tap-github always asks for GitHub's maximum, which the sandbox mirrors.
            github=github_api.MAX_PER_PAGE,
            hubspot_tickets=min(hubspot_limit, hubspot.TicketsStream.max_page_size),
            hubspot_threads=min(hubspot_limit, hubspot.ThreadsStream.max_page_size),
            hubspot_messages=min(hubspot_limit, hubspot.MessagesStream.max_page_size),
        )


def _meltano_setting(meltano_yml: Path, plugin: str, setting: str, environment: str = "dev"):
    """A plugin setting's value in meltano.yml, the environment's override first; or None."""
    project = yaml.safe_load(meltano_yml.read_text(encoding="utf-8"))
    layers = [
        env.get("config", {}).get("plugins", {})
        for env in project.get("environments", [])
        if env.get("name") == environment
    ]
    layers.append(project.get("plugins", {}))
    for plugins in layers:
        for entry in plugins.get("extractors", []):
            if entry.get("name") == plugin and setting in (entry.get("config") or {}):
                return entry["config"][setting]
    return None


def _pages(items: int, page_size: int) -> int:
    return math.ceil(items / page_size)


def minimum_requests(inc: Increment, pages: PageSizes) -> dict[str, int]:
    """The least requests that fetch the increment, per sandbox route (prefix and pattern).

    One listing page per `page` new items in each scope the vendor API lists by: a Slack
    channel's history, a thread's replies, a repository's issues, issue comments and pulls, the
    ticket search, the thread listing, a HubSpot thread's messages. Scopes with nothing new cost
    nothing: this is a floor that no extractor polling per scope can reach.
    """

    def scoped(counts: Counter, size: int) -> int:
        return sum(_pages(n, size) for n in counts.values() if n)

    slack, github, hubspot = slack_api.API.prefix, github_api.API.prefix, hubspot_api.API.prefix
    threads = "/conversations/v3/conversations/threads"
    return {
        f"{slack} /conversations.history": scoped(inc.slack_history, pages.slack),
        f"{slack} /conversations.replies": scoped(inc.slack_threads, pages.slack),
        f"{github} /repos/{{owner}}/{{repo}}/issues": scoped(inc.github_issues, pages.github),
        f"{github} /repos/{{owner}}/{{repo}}/issues/comments": scoped(
            inc.github_comments, pages.github
        ),
        f"{github} /repos/{{owner}}/{{repo}}/pulls": scoped(inc.github_pulls, pages.github),
        f"{hubspot} /crm/v3/objects/tickets/search": _pages(
            inc.hubspot_tickets, pages.hubspot_tickets
        ),
        f"{hubspot} {threads}": _pages(len(inc.hubspot_threads), pages.hubspot_threads),
        f"{hubspot} {threads}/{{thread_id}}/messages": scoped(
            inc.hubspot_messages, pages.hubspot_messages
        ),
    }


# ---- helpers ----------------------------------------------------------------------------------


def _load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _save(path: Path, items: list[dict]) -> None:
    writer = JsonArrayWriter(path)
    for item in items:
        writer.write(item)
    writer.close()


def _shift_iso(value: str | None, seconds: int, encode) -> str | None:
    return encode(parse_time(value) + seconds) if value else value


def _shift_ts(ts: str, seconds: int) -> str:
    """A Slack ts moved by whole seconds, keeping its exact fraction."""
    whole, _, fraction = ts.partition(".")
    return f"{int(whole) + seconds}.{fraction}" if fraction else str(int(whole) + seconds)


def _new_hex(old: str) -> str:
    """A fresh id of the same length for ids that are hex digests (HubSpot messages)."""
    return hashlib.sha256(f"increment:{old}".encode()).hexdigest()[: len(old)]


class _Ids:
    """Fresh numeric ids above every id of a collection, as the vendor would hand out."""

    def __init__(self, items: list[dict], key: str = "id"):
        self._next = max((int(item[key]) for item in items), default=0) + 1

    def take(self) -> int:
        self._next += 1
        return self._next - 1


# ---- Slack ------------------------------------------------------------------------------------


def _slack(root: Path, start: float, shift: int, inc: Increment) -> None:
    path = root / "slack" / "messages.json"
    messages = _load(path)
    inc.before["slack/messages"] = len(messages)
    by_key = {(m["channel"], m["ts"]): m for m in messages}
    clones = []
    for message in messages:
        if float(message["ts"]) < start:
            continue
        clone = dict(message, ts=_shift_ts(message["ts"], shift))
        if message.get("client_msg_id"):
            clone["client_msg_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, message["client_msg_id"]))
        if message.get("latest_reply"):
            clone["latest_reply"] = _shift_ts(message["latest_reply"], shift)
        if message.get("edited"):
            clone["edited"] = dict(message["edited"], ts=_shift_ts(message["edited"]["ts"], shift))
        thread_ts = message.get("thread_ts")
        is_reply = thread_ts is not None and thread_ts != message["ts"]
        if thread_ts is not None and float(thread_ts) >= start:
            clone["thread_ts"] = _shift_ts(thread_ts, shift)  # the parent is cloned too
        elif is_reply and (message["channel"], thread_ts) in by_key:
            _add_reply(by_key[(message["channel"], thread_ts)], clone)
        if not is_reply or message.get("subtype") == "thread_broadcast":
            inc.slack_history[message["channel"]] += 1
        if is_reply:
            inc.slack_threads[(message["channel"], clone["thread_ts"])] += 1
        clones.append(clone)
    inc.added["slack/messages"] = len(clones)
    _save(path, messages + clones)


def _add_reply(parent: dict, reply: dict) -> None:
    """Update an older parent the way Slack does when a reply arrives."""
    parent["reply_count"] = (parent.get("reply_count") or 0) + 1
    latest = parent.get("latest_reply")
    if latest is None or ts_key(reply["ts"]) > ts_key(latest):
        parent["latest_reply"] = reply["ts"]
    users = parent.setdefault("reply_users", [])
    if reply.get("user") and reply["user"] not in users:
        users.append(reply["user"])
        parent["reply_users_count"] = len(users)


# ---- GitHub -----------------------------------------------------------------------------------

_NUMBERED = re.compile(r"/(issues|pull|pulls)/\d+")


def _repo_of(url: str) -> str:
    parts = url.split("/")
    at = parts.index("repos")
    return f"{parts[at + 1]}/{parts[at + 2]}"


def _renumber(value: str | None, number: int) -> str | None:
    return _NUMBERED.sub(lambda m: f"/{m[1]}/{number}", value) if value else value


def _github(root: Path, start: float, shift: int, inc: Increment) -> None:
    paths = {
        name: root / "github" / f"{name}.json" for name in ("issues", "issue_comments", "pulls")
    }
    issues, comments, pulls = (_load(paths[name]) for name in ("issues", "issue_comments", "pulls"))
    inc.before |= {"github/issues": len(issues), "github/issue_comments": len(comments)}
    issue_by_url = {issue["url"]: issue for issue in issues}
    pull_by_issue_url = {pull["issue_url"]: pull for pull in pulls if pull.get("issue_url")}
    numbers: Counter = Counter()
    for issue in issues:
        repo = _repo_of(issue["repository_url"])
        numbers[repo] = max(numbers[repo], issue["number"])
    issue_ids, comment_ids = _Ids(issues), _Ids(comments)

    new_issues, clone_url = [], {}
    for issue in issues:
        if issue.get("pull_request") or parse_time(issue["created_at"]) < start:
            continue
        repo = _repo_of(issue["repository_url"])
        numbers[repo] += 1
        clone = dict(issue, id=issue_ids.take(), number=numbers[repo])
        for key in ("url", "html_url", "comments_url", "events_url", "labels_url"):
            if key in clone:
                clone[key] = _renumber(clone[key], numbers[repo])
        for key in ("created_at", "updated_at", "closed_at"):
            clone[key] = _shift_iso(issue.get(key), shift, iso_z)
        clone_url[issue["url"]] = clone["url"]
        inc.github_issues[repo] += 1
        new_issues.append(clone)

    new_comments, changed_issues, changed_pulls = [], set(), set()
    for comment in comments:
        if parse_time(comment["created_at"]) < start:
            continue
        cid = comment_ids.take()
        clone = dict(comment, id=cid)
        for key in ("created_at", "updated_at"):
            clone[key] = _shift_iso(comment.get(key), shift, iso_z)
        page = comment["html_url"].split("#")[0]
        if comment["issue_url"] in clone_url:
            clone["issue_url"] = clone_url[comment["issue_url"]]
            page = _renumber(page, int(clone["issue_url"].rsplit("/", 1)[1]))
        else:
            # An older issue or pull request: GitHub counts the comment and moves updated_at.
            issue = issue_by_url[comment["issue_url"]]
            issue["comments"] = (issue.get("comments") or 0) + 1
            issue["updated_at"] = max(issue["updated_at"], clone["created_at"])
            changed_issues.add(comment["issue_url"])
            pull = pull_by_issue_url.get(comment["issue_url"])
            if pull is not None:
                pull["updated_at"] = max(pull["updated_at"], clone["created_at"])
                changed_pulls.add(comment["issue_url"])
        clone["html_url"] = f"{page}#issuecomment-{cid}"
        clone["url"] = re.sub(r"/comments/\d+$", f"/comments/{cid}", comment["url"])
        inc.github_comments[_repo_of(comment["issue_url"])] += 1
        new_comments.append(clone)
    inc.github_issues.update(_repo_of(url) for url in changed_issues)
    inc.github_pulls.update(_repo_of(url) for url in changed_pulls)

    inc.added |= {"github/issues": len(new_issues), "github/issue_comments": len(new_comments)}
    _save(paths["issues"], issues + new_issues)
    _save(paths["issue_comments"], comments + new_comments)
    _save(paths["pulls"], pulls)


# ---- HubSpot ----------------------------------------------------------------------------------


def _hubspot(root: Path, start: float, shift: int, inc: Increment) -> None:
    paths = {name: root / "hubspot" / f"{name}.json" for name in ("tickets", "threads", "messages")}
    tickets, threads, messages = (_load(paths[name]) for name in ("tickets", "threads", "messages"))
    inc.before |= {"hubspot/tickets": len(tickets), "hubspot/threads": len(threads)}
    inc.before["hubspot/messages"] = len(messages)
    ticket_ids, thread_ids = _Ids(tickets), _Ids(threads)
    new_ticket = {t["id"]: str(ticket_ids.take()) for t in tickets if _created(t) >= start}
    new_thread = {t["id"]: str(thread_ids.take()) for t in threads if _created(t) >= start}

    new_tickets = []
    for ticket in tickets:
        if ticket["id"] not in new_ticket:
            continue
        tid = new_ticket[ticket["id"]]
        props = dict(ticket["properties"], hs_object_id=tid)
        for key in ("createdate", "hs_lastmodifieddate", "first_agent_reply_date", "closed_date"):
            props[key] = _shift_iso(props.get(key), shift, iso_ms)
        origin = props.get("hs_conversations_originating_thread_id")
        if origin:
            props["hs_conversations_originating_thread_id"] = new_thread.get(origin)
        new_tickets.append(
            dict(
                ticket,
                id=tid,
                properties=props,
                createdAt=_shift_iso(ticket.get("createdAt"), shift, iso_ms),
                updatedAt=_shift_iso(ticket.get("updatedAt"), shift, iso_ms),
            )
        )
    inc.hubspot_tickets = len(new_tickets)

    new_threads = []
    for thread in threads:
        if thread["id"] not in new_thread:
            continue
        clone = dict(thread, id=new_thread[thread["id"]])
        for key in ("createdAt", "closedAt", "latestMessageTimestamp"):
            clone[key] = _shift_iso(thread.get(key), shift, iso_ms)
        ticket = (thread.get("threadAssociations") or {}).get("associatedTicketId")
        if ticket in new_ticket:
            clone["threadAssociations"] = {"associatedTicketId": new_ticket[ticket]}
        else:
            clone.pop("threadAssociations", None)  # an older ticket is not this chat's
        inc.hubspot_threads.add(clone["id"])
        new_threads.append(clone)

    thread_by_id = {thread["id"]: thread for thread in threads}
    new_messages = []
    for message in messages:
        if parse_time(message["createdAt"]) < start:
            continue
        clone = dict(message, id=_new_hex(message["id"]))
        for key in ("createdAt", "updatedAt"):
            clone[key] = _shift_iso(message.get(key), shift, iso_ms)
        if message["threadId"] in new_thread:
            clone["threadId"] = new_thread[message["threadId"]]
        else:
            # An older thread gets a message. Same encoding on both sides, so the strings
            # order as the instants do.
            old = thread_by_id.get(message["threadId"], {})
            if (old.get("latestMessageTimestamp") or "") < clone["createdAt"]:
                old["latestMessageTimestamp"] = clone["createdAt"]
        inc.hubspot_threads.add(clone["threadId"])
        inc.hubspot_messages[clone["threadId"]] += 1
        new_messages.append(clone)

    inc.added |= {
        "hubspot/tickets": len(new_tickets),
        "hubspot/threads": len(new_threads),
        "hubspot/messages": len(new_messages),
    }
    _save(paths["tickets"], tickets + new_tickets)
    _save(paths["threads"], threads + new_threads)
    _save(paths["messages"], messages + new_messages)


def _created(obj: dict) -> float:
    return parse_time(obj["createdAt"])


def append_increment(data_dir: Path, anchor: datetime, fraction: float = 0.01) -> Increment:
    """Append ~`fraction` new data to a dataset generated with `anchor`; see the module doc."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    calendar = Calendar(anchor.astimezone(UTC))
    shift = round((calendar.end - calendar.start) * fraction)
    start = calendar.end - shift
    inc = Increment(anchor=calendar.anchor, as_of=calendar.anchor + timedelta(seconds=shift))
    _slack(data_dir, start, shift, inc)
    _github(data_dir, start, shift, inc)
    _hubspot(data_dir, start, shift, inc)
    return inc
