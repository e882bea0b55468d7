"""GitHub: repositories, org members, issues and PRs with their comments and reviews."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from covered.sandbox import gen_text as tx
from covered.sandbox.gen_common import DAY_SECONDS, HOUR, Calendar, Writers, iso_z
from covered.sandbox.gen_people import IdMaker, People

API = "https://api.github.com"
WEB = "https://github.com"
BOTS = {"dependabot[bot]": 49699333, "github-actions[bot]": 41898282}
# (org, name, share of issues, first issue number); the first five exist at any scale.
REPOS = (
    ("meltano", "meltano", 0.30, 8000),
    ("meltano", "sdk", 0.18, 2300),
    ("MeltanoLabs", "tap-postgres", 0.06, 400),
    ("MeltanoLabs", "target-snowflake", 0.05, 250),
    ("MeltanoLabs", "meltano-map-transform", 0.03, 200),
    ("meltano", "hub", 0.06, 1500),
    ("MeltanoLabs", "tap-github", 0.05, 300),
    ("MeltanoLabs", "target-postgres", 0.05, 450),
    ("meltano", "edk", 0.03, 120),
    ("MeltanoLabs", "tap-snowflake", 0.04, 60),
    ("meltano", "squared", 0.03, 600),
    ("MeltanoLabs", "tap-csv", 0.03, 220),
    ("MeltanoLabs", "target-jsonl", 0.02, 40),
    ("MeltanoLabs", "tap-gitlab", 0.03, 150),
    ("MeltanoLabs", "meltano-state-backends", 0.04, 30),
)
# Systems for the extra Singer repos of scales above 1.
SYSTEMS = [
    "salesforce",
    "stripe",
    "shopify",
    "zendesk",
    "jira",
    "asana",
    "linear",
    "notion",
    "airtable",
    "intercom",
    "mailchimp",
    "freshdesk",
    "okta",
    "pagerduty",
    "twilio",
    "segment",
    "mixpanel",
    "amplitude",
    "braze",
    "klaviyo",
    "marketo",
    "pipedrive",
    "quickbooks",
    "xero",
    "netsuite",
    "workday",
    "greenhouse",
    "lever",
    "bamboohr",
    "gusto",
    "sentry",
    "datadog",
    "newrelic",
]
ISSUES_AND_PRS = 3_000
LABELS = ("bug", "enhancement", "documentation", "good first issue", "needs triage")


@dataclass
class Event:
    kind: str  # comment | review | review_comment
    at: float
    login: str
    body: str
    state: str = "COMMENTED"


@dataclass
class Item:
    created: float
    login: str
    is_pr: bool
    title: str
    events: list[Event] = field(default_factory=list)
    close: bool = False


@dataclass
class Repo:
    owner: str
    name: str
    share: float
    first_number: int
    id: int = 0
    items: list[Item] = field(default_factory=list)

    @property
    def full(self) -> str:
        return f"{self.owner}/{self.name}"


class GitHubGenerator:
    def __init__(self, rng: random.Random, ids: IdMaker, cal: Calendar, people: People):
        self.rng, self.ids, self.cal, self.people = rng, ids, cal, people
        self.org_ids = {
            "meltano": ids.number(10_000_000, 99_999_999),
            "MeltanoLabs": ids.number(10_000_000, 99_999_999),
        }
        self.collaborators = set(people.community_logins[:3])
        self.links: list[str] = []

    # ---- people on GitHub -------------------------------------------------------------------

    def user(self, login: str) -> dict:
        bot = login in BOTS
        uid = BOTS.get(login) or self.people.github_logins[login]
        return {
            "login": login,
            "id": uid,
            "node_id": f"{'BOT' if bot else 'U'}_kgDO{uid:X}",
            "type": "Bot" if bot else "User",
            "site_admin": False,
            "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
            "html_url": f"{WEB}/{login}",
            "url": f"{API}/users/{login}",
        }

    def association(self, login: str, repo: Repo, at: float) -> str:
        if login == "dependabot[bot]":
            return "CONTRIBUTOR"
        if login in BOTS:
            return "NONE"
        member = next((m for m in self.people.team if m.github_login == login), None)
        if member is not None:
            in_org = login in self.people.org_members[repo.owner] or member.valid_to is not None
            if member.active(at, self.cal) and in_org:
                return "OWNER" if member.role == "staff" and repo.owner == "meltano" else "MEMBER"
            return "CONTRIBUTOR"
        if login in self.people.org_members[repo.owner]:
            return "MEMBER"
        if login in self.collaborators:
            return "COLLABORATOR"
        return "CONTRIBUTOR" if hash_bit(login) else "NONE"

    def team_login(self, at: float, repo: Repo) -> str:
        """A responder acting as the team: an active roster member or an unlisted org member."""
        rng = self.rng
        if rng.random() < 0.25:
            return rng.choice(self.people.members_unlisted[repo.owner])
        logins = [
            m.github_login
            for m in self.people.team
            if m.github_login and m.active(at, self.cal) and m.role in ("engineering", "devrel")
        ]
        return rng.choice(logins)

    # ---- the random bulk --------------------------------------------------------------------

    def random_item(self, repo: Repo, singer: bool) -> Item:
        rng, cal = self.rng, self.cal
        created = cal.arrival(rng, office_share=0.6)
        is_pr = rng.random() < 0.45
        r = rng.random()
        if is_pr and r < 0.1:
            login = "dependabot[bot]"
        elif r < 0.3:
            login = self.team_login(created, repo)
        else:
            login = rng.choice(self.people.community_logins)
        title = tx.pick(rng, tx.PR_TITLES if is_pr else tx.ISSUE_TITLES)
        item = Item(created, login, is_pr, title)
        if is_pr and rng.random() < 0.4:
            item.events.append(
                Event("comment", created + 90, "github-actions[bot]", "✅ CI passed")
            )
        t = created
        if rng.random() < (0.6 if singer else 0.88):
            if rng.random() < 0.15:
                other = rng.choice(self.people.community_logins)
                t = cal.reply_time(rng, t, 8.0, office=False)
                item.events.append(Event("comment", t, other, "Same here, +1"))
            responder = self.team_login(created, repo)
            t = cal.reply_time(rng, created, 5.0, office=True, sigma=1.4)
            kind = (
                rng.choice(("review", "review", "review_comment", "comment"))
                if is_pr
                else "comment"
            )
            state = rng.choice(("APPROVED", "COMMENTED", "CHANGES_REQUESTED"))
            item.events.append(Event(kind, t, responder, tx.pick(rng, tx.COMMENTS), state))
            for i in range(int(rng.expovariate(1 / 2.6))):
                t += rng.lognormvariate(1.5, 1.3) * HOUR
                who = item.login if i % 2 == 0 and item.login not in BOTS else responder
                kind = "review_comment" if is_pr and rng.random() < 0.35 else "comment"
                body = tx.pick(rng, tx.REVIEW_COMMENTS if kind == "review_comment" else tx.COMMENTS)
                item.events.append(Event(kind, t, who, body))
            if is_pr and rng.random() < 0.7:
                t += rng.lognormvariate(1.0, 1.0) * HOUR
                item.events.append(Event("review", t, responder, "LGTM", "APPROVED"))
            item.close = rng.random() < 0.75
        return item

    # ---- the cases tests rely on -------------------------------------------------------------

    def scripted(self, repos: dict[str, Repo]) -> None:
        cal, p = self.cal, self.people
        core, labs = repos["meltano/meltano"], repos["MeltanoLabs/tap-postgres"]
        transform = repos["MeltanoLabs/meltano-map-transform"]
        collaborator = sorted(self.collaborators)[0]
        a, b, d = [x for x in p.community_logins if x not in self.collaborators][:3]
        engineer = next(m.github_login for m in p.by_role("engineering") if m.valid_to is None)
        devrel_not_labs = next(
            m.github_login
            for m in p.by_role("devrel")
            if m.github_login and m.github_login not in p.org_members["MeltanoLabs"]
        )
        former, contractor = p.former(), p.members_unlisted["meltano"][0]

        def at(week: int, weekday: int = 1, hour: float = 11.0) -> float:
            return cal.weekday_at(weekday, hour * 3600, week)

        def add(repo, t, login, title, events=(), is_pr=False, close=False):
            evs = [Event(k, t + h * HOUR, who, body, state) for k, h, who, body, state in events]
            repo.items.append(Item(t, login, is_pr, title, evs, close))

        add(
            core,
            at(2),
            a,
            "Plugin install fails on Python 3.12",
            [("comment", 3, engineer, "Thanks, looking", "")],
            close=True,
        )
        add(
            core,
            at(3),
            b,
            "Answered by an org member who is not on the roster",
            [("comment", 5, contractor, "Fixed in main", "")],
        )
        add(
            core,
            at(4),
            d,
            "Only a bot replied",
            [("comment", 0.1, "github-actions[bot]", "Thanks for opening this issue!", "")],
        )
        add(core, at(5), a, "Never answered 😶")
        add(core, at(6), b, "Only the author commented", [("comment", 2, b, "Any news?", "")])
        add(
            core,
            at(7),
            d,
            "fix: first response is a review",
            [("review", 4, engineer, "Looks good", "APPROVED")],
            is_pr=True,
            close=True,
        )
        add(
            core,
            at(8),
            a,
            "feat: first response is a review comment",
            [("review_comment", 6, engineer, "nit: rename this", "")],
            is_pr=True,
        )
        add(core, at(9), "dependabot[bot]", "Bump requests from 2.31.0 to 2.32.0", is_pr=True)
        add(core, at(10), engineer, "Team-authored issue is not a request")
        add(core, at(11), contractor, "Issue by an org member not on the roster")
        left = cal.at(former.valid_to, 12 * 3600)
        add(core, left - 15 * DAY_SECONDS, former.github_login, "Opened while on the team")
        add(
            core,
            left + 15 * DAY_SECONDS,
            former.github_login,
            "Opened after leaving the team",
            [("comment", 20, engineer, "Thanks!", "")],
        )
        add(transform, at(12), devrel_not_labs, "Roster wins over author_association")
        add(core, at(13), collaborator, "Opened by an outside collaborator")
        add(core, cal.end - 3 * HOUR, a, "Just opened: still pending")
        add(core, at(14), b, "<script>alert(1)</script> in the hub page title")
        add(core, at(15), d, "安装失败 on Windows 🚀 / خطأ في التثبيت")
        add(
            core,
            at(16),
            a,
            "A community comment first, then the team",
            [("comment", 1, b, "Same problem here", ""), ("comment", 9, engineer, "Fixing", "")],
        )
        for switch in cal.dst_switches:
            add(
                core,
                switch - 600,
                b,
                "Opened just before the clocks change",
                [("comment", 1, engineer, "Answered after the switch", "")],
            )
        add(
            labs,
            at(2),
            a,
            "Singer repo: answered by a Labs maintainer",
            [("comment", 30, p.members_unlisted["MeltanoLabs"][0], "PR welcome", "")],
        )
        add(labs, at(3), b, "Singer repo: never answered")
        add(
            labs,
            at(4),
            d,
            "feat: singer repo PR",
            [("review", 50, engineer, "Approved", "APPROVED")],
            is_pr=True,
            close=True,
        )

    # ---- serialisation -----------------------------------------------------------------------

    def repo_obj(self, repo: Repo, full: bool) -> dict:
        owner = {"login": repo.owner, "id": self.org_ids[repo.owner], "type": "Organization"}
        obj = {
            "id": repo.id,
            "node_id": f"R_kgDO{repo.id:X}",
            "name": repo.name,
            "full_name": repo.full,
            "owner": owner,
            "private": False,
            "fork": False,
            "html_url": f"{WEB}/{repo.full}",
            "url": f"{API}/repos/{repo.full}",
        }
        if full:
            created = self.cal.start - (400 + repo.first_number % 900) * DAY_SECONDS
            obj.update(
                archived=False,
                disabled=False,
                created_at=iso_z(created),
                updated_at=iso_z(self.cal.end - 2 * HOUR),
                pushed_at=iso_z(self.cal.end - 3 * HOUR),
                default_branch="main",
                description=f"{repo.name}: part of the Meltano ecosystem",
                visibility="public",
                language="Python",
                stargazers_count=self.rng.randrange(5, 2000),
                forks_count=self.rng.randrange(1, 300),
                open_issues_count=0,
                topics=["meltano", "singer-io"] if repo.owner == "MeltanoLabs" else ["meltano"],
            )
        return obj

    def write_review(self, out, review_id, e: Event, base, pr_url, html, commit) -> None:
        review = e.kind == "review"
        out["reviews"].write(
            {
                "id": review_id,
                "node_id": f"PRR_kwDO{review_id:X}",
                "user": base["user"],
                "body": e.body if review else "",
                "state": e.state if review else "COMMENTED",
                "submitted_at": iso_z(e.at),
                "pull_request_url": pr_url,
                "html_url": f"{html}#pullrequestreview-{review_id}",
                "author_association": base["author_association"],
                "commit_id": commit,
            }
        )

    def sha(self) -> str:
        return f"{self.rng.getrandbits(160):040x}"

    def write_item(self, out: Writers, repo: Repo, number: int, item: Item) -> None:
        rng, end = self.rng, self.cal.end
        events = sorted((e for e in item.events if item.created < e.at < end), key=lambda e: e.at)
        kind = "pull" if item.is_pr else "issues"
        html = f"{WEB}/{repo.full}/{kind}/{number}"
        issue_url = f"{API}/repos/{repo.full}/issues/{number}"
        pr_url = f"{API}/repos/{repo.full}/pulls/{number}"
        last = events[-1].at if events else item.created
        closed_at = None
        if item.close and last + 2 * HOUR < end:
            closed_at = last + rng.uniform(0.1, 2) * HOUR
        updated = closed_at or last
        author = self.user(item.login)
        assoc = self.association(item.login, repo, item.created)
        commit = self.sha()
        n_comments = 0
        for e in events:
            eid = self.ids.number(1_000_000_000, 2_999_999_999)
            base = {
                "id": eid,
                "user": self.user(e.login),
                "body": e.body,
                "author_association": self.association(e.login, repo, e.at),
            }
            if e.kind == "comment":
                n_comments += 1
                base.update(
                    node_id=f"IC_kwDO{eid:X}",
                    url=f"{API}/repos/{repo.full}/issues/comments/{eid}",
                    html_url=f"{html}#issuecomment-{eid}",
                    issue_url=issue_url,
                    created_at=iso_z(e.at),
                    updated_at=iso_z(e.at),
                )
                out["issue_comments"].write(base)
                continue
            if e.kind == "review":
                self.write_review(out, eid, e, base, pr_url, html, commit)
                continue
            # A review comment arrives with the review it was submitted in.
            review_id = self.ids.number(3_000_000_000, 3_999_999_999)
            self.write_review(out, review_id, e, base, pr_url, html, commit)
            base.update(
                node_id=f"PRRC_kwDO{eid:X}",
                pull_request_review_id=review_id,
                pull_request_url=pr_url,
                url=f"{API}/repos/{repo.full}/pulls/comments/{eid}",
                html_url=f"{html}#discussion_r{eid}",
                path="src/meltano/core/plugin.py",
                line=rng.randrange(1, 400),
                side="RIGHT",
                commit_id=commit,
                original_commit_id=commit,
                diff_hunk="@@ -1,3 +1,4 @@",
                created_at=iso_z(e.at),
                updated_at=iso_z(e.at),
            )
            out["review_comments"].write(base)
        issue_id = self.ids.number(1_000_000_000, 2_999_999_999)
        state = "closed" if closed_at else "open"
        issue = {
            "id": issue_id,
            "node_id": f"I_kwDO{issue_id:X}",
            "number": number,
            "title": item.title,
            "body": tx.pick(rng, tx.QUESTIONS),
            "user": author,
            "state": state,
            "state_reason": "completed" if closed_at else None,
            "locked": False,
            "created_at": iso_z(item.created),
            "updated_at": iso_z(updated),
            "closed_at": iso_z(closed_at) if closed_at else None,
            "author_association": assoc,
            "html_url": html,
            "url": issue_url,
            "repository_url": f"{API}/repos/{repo.full}",
            "comments_url": f"{issue_url}/comments",
            "comments": n_comments,
            "labels": [
                {"name": name, "color": "ededed", "default": False}
                for name in sorted(rng.sample(LABELS, rng.randrange(0, 3)))
            ],
            "assignee": None,
            "assignees": [],
        }
        if item.is_pr:
            merged_at = iso_z(closed_at) if closed_at and rng.random() < 0.8 else None
            issue["pull_request"] = {
                "url": pr_url,
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": merged_at,
            }
            base_repo = self.repo_obj(repo, full=False)
            bot = item.login in BOTS
            head_repo = (
                dict(base_repo)
                if bot
                else {
                    **base_repo,
                    "full_name": f"{item.login}/{repo.name}",
                    "fork": True,
                    "owner": {"login": item.login, "id": author["id"], "type": "User"},
                }
            )
            branch = "dependabot/pip/deps" if bot else f"fix-{number}"
            pr_id = self.ids.number(1_000_000_000, 2_999_999_999)
            out["pulls"].write(
                {
                    "id": pr_id,
                    "node_id": f"PR_kwDO{pr_id:X}",
                    "number": number,
                    "title": item.title,
                    "body": issue["body"],
                    "user": author,
                    "state": state,
                    "locked": False,
                    "draft": False,
                    "created_at": issue["created_at"],
                    "updated_at": issue["updated_at"],
                    "closed_at": issue["closed_at"],
                    "merged_at": merged_at,
                    "merge_commit_sha": self.sha() if merged_at else None,
                    "html_url": html,
                    "url": pr_url,
                    "issue_url": issue_url,
                    "author_association": assoc,
                    "labels": issue["labels"],
                    "base": {
                        "label": f"{repo.owner}:main",
                        "ref": "main",
                        "sha": self.sha(),
                        "repo": base_repo,
                        "user": base_repo["owner"],
                    },
                    "head": {
                        "label": f"{head_repo['owner']['login']}:{branch}",
                        "ref": branch,
                        "sha": commit,
                        "repo": head_repo,
                        "user": head_repo["owner"],
                    },
                }
            )
        out["issues"].write(issue)
        if repo.owner == "meltano" and len(self.links) < 400:
            self.links.append(html)

    # ---- driver ------------------------------------------------------------------------------

    def repos_for(self, scale: float) -> list[Repo]:
        n = max(5, round(len(REPOS) * scale**0.5))
        chosen = [Repo(*spec) for spec in REPOS[:n]]
        for i in range(n - len(chosen)):
            system = SYSTEMS[i // 2 % len(SYSTEMS)] + (
                f"-{i // (2 * len(SYSTEMS))}" if i >= 2 * len(SYSTEMS) else ""
            )
            chosen.append(Repo("MeltanoLabs", f"{('tap', 'target')[i % 2]}-{system}", 0.02, 10))
        for repo in chosen:
            repo.id = self.ids.number(100_000_000, 900_000_000)
        return chosen

    def generate(self, directory: Path, scale: float) -> dict[str, int]:
        names = [
            "repos",
            "members",
            "issues",
            "issue_comments",
            "pulls",
            "reviews",
            "review_comments",
        ]
        out = Writers(directory, names)
        repos = self.repos_for(scale)
        for login_list_org in ("meltano", "MeltanoLabs"):
            for login in self.people.org_members[login_list_org]:
                out["members"].write({"org": login_list_org, **self.user(login)})
        total_share = sum(r.share for r in repos)
        self.scripted({r.full: r for r in repos})
        for repo in repos:
            out["repos"].write(self.repo_obj(repo, full=True))
            singer = repo.owner == "MeltanoLabs" and repo.name.startswith(("tap-", "target-"))
            n = round(ISSUES_AND_PRS * scale * repo.share / total_share)
            items = repo.items + [self.random_item(repo, singer) for _ in range(n)]
            items.sort(key=lambda it: it.created)
            for number, item in enumerate(items, start=repo.first_number):
                self.write_item(out, repo, number, item)
            repo.items = []
        return out.close()


def hash_bit(text: str) -> bool:
    """A stable per-login coin (Python's hash() is randomised per process)."""
    return sum(text.encode()) % 2 == 0
