"""A tiny hand-written dataset builder for the scenario acceptance test.

Each helper emits one vendor-shaped object (the sandbox's dataset format, shared/spec/sandbox.md)
from the few facts a scenario cares about; `write` derives what the vendors derive themselves
(Slack parents' reply_count/latest_reply/reply_users, GitHub issue comment counts) and writes
the JSON files. Times are given as ISO 8601 UTC strings ("2026-11-02T14:00:00Z").
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

API = "https://api.github.com"
WEB = "https://github.com"


def epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def slack_ts(iso: str, micros: int = 0) -> str:
    return f"{int(epoch(iso))}.{micros:06d}"


def hubspot_time(iso: str) -> str:
    """HubSpot's encoding: milliseconds and Z."""
    return iso.replace("Z", ".000Z") if "." not in iso else iso


def github_user(login: str, user_id: int, kind: str = "User") -> dict:
    return {
        "login": login,
        "id": user_id,
        "node_id": f"U_{user_id}",
        "type": kind,
        "site_admin": False,
        "url": f"{API}/users/{login}",
        "html_url": f"{WEB}/{login}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
    }


@dataclass
class Dataset:
    slack_channels: list[dict] = field(default_factory=list)
    slack_users: list[dict] = field(default_factory=list)
    slack_usergroups: list[dict] = field(default_factory=list)
    slack_messages: list[dict] = field(default_factory=list)
    repos: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    issue_comments: list[dict] = field(default_factory=list)
    pulls: list[dict] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)
    review_comments: list[dict] = field(default_factory=list)
    owners: list[dict] = field(default_factory=list)
    tickets: list[dict] = field(default_factory=list)
    threads: list[dict] = field(default_factory=list)
    hubspot_messages: list[dict] = field(default_factory=list)
    _next_id: int = 1000

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # ---- Slack ------------------------------------------------------------------------------
    def channel(self, channel_id: str, name: str) -> None:
        self.slack_channels.append(
            {
                "id": channel_id,
                "name": name,
                "name_normalized": name,
                "created": 1632355200,
                "is_channel": True,
                "is_private": False,
                "is_archived": False,
                "is_general": False,
                "is_member": True,
                "num_members": 10,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0},
            }
        )

    def slack_user(self, user_id: str, name: str, bot_id: str | None = None) -> None:
        profile = {"real_name": name, "display_name": name}
        if bot_id:
            profile["bot_id"] = bot_id
        self.slack_users.append(
            {
                "id": user_id,
                "team_id": "T0SCENARIO",
                "name": name.lower().replace(" ", ""),
                "real_name": name,
                "deleted": False,
                "is_bot": bot_id is not None,
                "is_app_user": False,
                "tz": "America/New_York",
                "updated": 1761955200,
                "profile": profile,
            }
        )

    def usergroup(self, group_id: str, handle: str, users: list[str]) -> None:
        self.slack_usergroups.append(
            {
                "id": group_id,
                "team_id": "T0SCENARIO",
                "handle": handle,
                "name": handle,
                "description": handle,
                "is_external": False,
                "is_usergroup": True,
                "date_create": 1632355200,
                "date_update": 1632355200,
                "date_delete": 0,
                "users": users,
                "user_count": len(users),
            }
        )

    def post(
        self,
        channel: str,
        user: str | None,
        at: str,
        text: str,
        *,
        thread: dict | None = None,
        subtype: str | None = None,
        bot_id: str | None = None,
        reactions: list[str] = (),
        username: str | None = None,
    ) -> dict:
        """A top-level message, or a reply when `thread` (the parent) is given."""
        ts = slack_ts(at, len(self.slack_messages) + 1)
        message = {"channel": channel, "type": "message", "ts": ts, "text": text}
        if user is not None:
            message["user"] = user
        if subtype:
            message["subtype"] = subtype
        if bot_id:
            message["bot_id"] = bot_id
        if username:
            message["username"] = username
        if thread is not None:
            message["thread_ts"] = thread["ts"]
            message["parent_user_id"] = thread.get("user")
        if reactions:
            message["reactions"] = [
                {"name": name, "users": ["U0REACTOR"], "count": 1} for name in reactions
            ]
        self.slack_messages.append(message)
        return message

    # ---- GitHub -----------------------------------------------------------------------------
    def repo(self, full_name: str) -> None:
        owner, name = full_name.split("/")
        repo_id = self.new_id()
        self.repos.append(
            {
                "id": repo_id,
                "node_id": f"R_{repo_id}",
                "name": name,
                "full_name": full_name,
                "owner": {
                    "login": owner,
                    "id": 1 if owner == "meltano" else 2,
                    "type": "Organization",
                },
                "private": False,
                "fork": False,
                "archived": False,
                "disabled": False,
                "html_url": f"{WEB}/{full_name}",
                "url": f"{API}/repos/{full_name}",
                "description": name,
                "default_branch": "main",
                "visibility": "public",
                "created_at": "2022-01-01T00:00:00Z",
                "updated_at": "2026-10-01T00:00:00Z",
                "pushed_at": "2026-10-01T00:00:00Z",
            }
        )

    def member(self, org: str, user: dict) -> None:
        self.members.append({"org": org, **user})

    def issue(
        self,
        repo: str,
        number: int,
        author: dict,
        at: str,
        association: str = "NONE",
        *,
        pull: bool = False,
    ) -> str:
        """An issue (or a PR, with its pulls.json twin); returns its html_url."""
        kind = "pull" if pull else "issues"
        html_url = f"{WEB}/{repo}/{kind}/{number}"
        issue = {
            "id": self.new_id(),
            "node_id": f"I_{number}",
            "number": number,
            "title": f"Scenario {repo}#{number}",
            "body": "Please help",
            "user": author,
            "author_association": association,
            "state": "open",
            "state_reason": None,
            "locked": False,
            "labels": [],
            "assignee": None,
            "assignees": [],
            "comments": 0,
            "created_at": at,
            "updated_at": at,
            "closed_at": None,
            "html_url": html_url,
            "url": f"{API}/repos/{repo}/issues/{number}",
            "repository_url": f"{API}/repos/{repo}",
            "comments_url": f"{API}/repos/{repo}/issues/{number}/comments",
        }
        if pull:
            issue["pull_request"] = {
                "url": f"{API}/repos/{repo}/pulls/{number}",
                "html_url": html_url,
                "diff_url": f"{html_url}.diff",
                "patch_url": f"{html_url}.patch",
                "merged_at": None,
            }
            owner, name = repo.split("/")
            self.pulls.append(
                {
                    "id": self.new_id(),
                    "node_id": f"PR_{number}",
                    "number": number,
                    "title": issue["title"],
                    "body": issue["body"],
                    "user": author,
                    "author_association": association,
                    "state": "open",
                    "locked": False,
                    "draft": False,
                    "labels": [],
                    "created_at": at,
                    "updated_at": at,
                    "closed_at": None,
                    "merged_at": None,
                    "merge_commit_sha": None,
                    "html_url": html_url,
                    "url": f"{API}/repos/{repo}/pulls/{number}",
                    "issue_url": issue["url"],
                    "base": {
                        "label": f"{owner}:main",
                        "ref": "main",
                        "sha": "0" * 40,
                        "user": {"login": owner, "id": 1, "type": "Organization"},
                        "repo": {
                            "id": 1,
                            "name": name,
                            "full_name": repo,
                            "owner": {"login": owner, "id": 1, "type": "Organization"},
                            "private": False,
                            "fork": False,
                            "html_url": f"{WEB}/{repo}",
                            "url": f"{API}/repos/{repo}",
                        },
                    },
                    "head": {
                        "label": f"{author['login']}:fix",
                        "ref": "fix",
                        "sha": "1" * 40,
                        "user": {"login": author["login"], "id": author["id"], "type": "User"},
                        "repo": None,
                    },
                }
            )
        self.issues.append(issue)
        return html_url

    def comment(self, issue_url: str, user: dict, at: str, association: str = "NONE") -> None:
        repo_path, number = issue_url.removeprefix(f"{WEB}/").rsplit("/", 1)
        repo = repo_path.rsplit("/", 1)[0]
        comment_id = self.new_id()
        self.issue_comments.append(
            {
                "id": comment_id,
                "node_id": f"IC_{comment_id}",
                "body": "A comment",
                "user": user,
                "author_association": association,
                "created_at": at,
                "updated_at": at,
                "html_url": f"{issue_url}#issuecomment-{comment_id}",
                "url": f"{API}/repos/{repo}/issues/comments/{comment_id}",
                "issue_url": f"{API}/repos/{repo}/issues/{number}",
            }
        )

    def review(self, pull_url: str, user: dict, at: str, association: str = "NONE") -> None:
        repo_path, number = pull_url.removeprefix(f"{WEB}/").rsplit("/", 1)
        repo = repo_path.rsplit("/", 1)[0]
        review_id = self.new_id()
        self.reviews.append(
            {
                "id": review_id,
                "node_id": f"PRR_{review_id}",
                "body": "Looks reasonable",
                "state": "COMMENTED",
                "user": user,
                "author_association": association,
                "commit_id": "1" * 40,
                "submitted_at": at,
                "html_url": f"{pull_url}#pullrequestreview-{review_id}",
                "pull_request_url": f"{API}/repos/{repo}/pulls/{number}",
            }
        )

    def review_comment(self, pull_url: str, user: dict, at: str, association: str = "NONE") -> None:
        repo_path, number = pull_url.removeprefix(f"{WEB}/").rsplit("/", 1)
        repo = repo_path.rsplit("/", 1)[0]
        comment_id = self.new_id()
        self.review_comments.append(
            {
                "id": comment_id,
                "node_id": f"PRRC_{comment_id}",
                "body": "nit",
                "path": "README.md",
                "line": 1,
                "side": "RIGHT",
                "diff_hunk": "@@ -1 +1 @@",
                "commit_id": "1" * 40,
                "original_commit_id": "1" * 40,
                "user": user,
                "author_association": association,
                "created_at": at,
                "updated_at": at,
                "html_url": f"{pull_url}#discussion_r{comment_id}",
                "url": f"{API}/repos/{repo}/pulls/comments/{comment_id}",
                "pull_request_url": f"{API}/repos/{repo}/pulls/{number}",
            }
        )

    # ---- HubSpot ----------------------------------------------------------------------------
    def owner(self, owner_id: str, name: str, user_id: int) -> None:
        first, last = name.split(" ", 1)
        self.owners.append(
            {
                "id": owner_id,
                "email": f"{first.lower()}@example.com",
                "firstName": first,
                "lastName": last,
                "userId": user_id,
                "createdAt": "2024-01-01T00:00:00.000Z",
                "updatedAt": "2024-01-01T00:00:00.000Z",
                "archived": False,
            }
        )

    def ticket(
        self,
        ticket_id: str,
        at: str,
        *,
        source: str,
        category: str,
        first_agent_reply: str | None,
        owner_id: str = "",
        thread_id: str | None = None,
    ) -> None:
        """first_agent_reply: an ISO instant, "" (as HubSpot sends it) or None (no property)."""
        created = hubspot_time(at)
        properties = {}
        if first_agent_reply is not None:
            properties["first_agent_reply_date"] = (
                hubspot_time(first_agent_reply) if first_agent_reply else ""
            )
        self.tickets.append(
            {
                "id": ticket_id,
                "createdAt": created,
                "updatedAt": created,
                "archived": False,
                "properties": {
                    "subject": f"Scenario ticket {ticket_id}",
                    "content": "Hello, we need help",
                    "createdate": created,
                    "hs_lastmodifieddate": created,
                    "hs_object_id": ticket_id,
                    "hs_ticket_category": category,
                    "hubspot_owner_id": owner_id,
                    "source_type": source,
                    "hs_pipeline": "0",
                    "hs_pipeline_stage": "1",
                    "hs_ticket_priority": "MEDIUM",
                    "closed_date": "",
                    "hs_conversations_originating_thread_id": thread_id or "",
                    **properties,
                },
            }
        )

    def thread(
        self,
        thread_id: str,
        at: str,
        *,
        channel_id: str,
        assigned_to: str | None,
        ticket_id: str | None = None,
    ) -> None:
        thread = {
            "id": thread_id,
            "createdAt": hubspot_time(at),
            "status": "OPEN",
            "inboxId": "147001",
            "assignedTo": assigned_to,
            "originalChannelId": channel_id,
            "originalChannelAccountId": "39001",
            "associatedContactId": "51198718",
            "spam": False,
            "archived": False,
        }
        if ticket_id:
            thread["threadAssociations"] = {"associatedTicketId": ticket_id}
        self.threads.append(thread)

    def chat_message(
        self, thread_id: str, at: str, actor: str, *, direction: str | None, channel_id: str
    ) -> None:
        """direction None is an internal note (type COMMENT, HubSpot sends no direction)."""
        message = {
            "id": f"m{self.new_id()}",
            "threadId": thread_id,
            "createdAt": hubspot_time(at),
            "updatedAt": hubspot_time(at),
            "createdBy": actor,
            "senders": [{"actorId": actor}],
            "text": "note" if direction is None else "hello",
            "type": "COMMENT" if direction is None else "MESSAGE",
            "archived": False,
        }
        if direction is not None:
            message.update(
                direction=direction,
                channelId=channel_id,
                channelAccountId="39001",
                truncationStatus="NOT_TRUNCATED",
                subject=None,
            )
        self.hubspot_messages.append(message)

    # ---- output -----------------------------------------------------------------------------
    def _with_thread_summaries(self) -> list[dict]:
        replies: dict[tuple[str, str], list[dict]] = {}
        for message in self.slack_messages:
            if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
                replies.setdefault((message["channel"], message["thread_ts"]), []).append(message)
        out = []
        for message in self.slack_messages:
            thread = replies.get((message["channel"], message["ts"]))
            if thread and "thread_ts" not in message:
                users = sorted({reply["user"] for reply in thread if reply.get("user")})
                message = {
                    **message,
                    "thread_ts": message["ts"],
                    "reply_count": len(thread),
                    "reply_users": users,
                    "reply_users_count": len(users),
                    "latest_reply": max(reply["ts"] for reply in thread),
                }
            out.append(message)
        return out

    def write(self, root: Path) -> None:
        comments_per_issue: dict[str, int] = {}
        for comment in self.issue_comments:
            comments_per_issue[comment["issue_url"]] = (
                comments_per_issue.get(comment["issue_url"], 0) + 1
            )
        for issue in self.issues:
            issue["comments"] = comments_per_issue.get(issue["url"], 0)
        files = {
            "slack/channels.json": self.slack_channels,
            "slack/users.json": self.slack_users,
            "slack/usergroups.json": self.slack_usergroups,
            "slack/messages.json": self._with_thread_summaries(),
            "github/repos.json": self.repos,
            "github/members.json": self.members,
            "github/issues.json": self.issues,
            "github/issue_comments.json": self.issue_comments,
            "github/pulls.json": self.pulls,
            "github/reviews.json": self.reviews,
            "github/review_comments.json": self.review_comments,
            "hubspot/owners.json": self.owners,
            "hubspot/tickets.json": self.tickets,
            "hubspot/threads.json": self.threads,
            "hubspot/messages.json": self.hubspot_messages,
        }
        for relative, items in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(items, indent=1), encoding="utf-8")


def write_csv(path: Path, header: Sequence[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
