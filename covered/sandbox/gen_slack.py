"""Slack: channels, users, user groups and messages (threads written one at a time)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from covered.sandbox import gen_text as tx
from covered.sandbox.gen_common import DAY_SECONDS, HOUR, Calendar, Writers
from covered.sandbox.gen_people import IdMaker, Member, People

# name, rule (None = not monitored), share of top-level posts, topic
CHANNELS = (
    ("troubleshooting", "slack_community_24h", 0.44, "Stuck? Ask here. Share your meltano.yml."),
    ("getting-started", "slack_community_24h", 0.18, "New to Meltano? Start here 👋"),
    ("contributing", "slack_community_24h", 0.07, "Working on Meltano or a plugin"),
    ("support", "slack_escalation", 0.12, "Escalations and live chat"),
    ("random", None, 0.14, "Anything goes"),
    ("announcements", None, 0.05, "Releases and events"),
)
ENGINEERING_HANDLE = "meltano-engineering"
CHECKS = ("white_check_mark", "heavy_check_mark", "ballot_box_with_check")
OTHER_REACTIONS = ("+1", "eyes", "tada", "pray", "raised_hands", "heart")
# Top-level posts per channel at scale 1, tuned so that with replies and joins the total is
# about 25,000 messages.
TOP_LEVEL_POSTS = 8_900


@dataclass
class Post:
    at: float
    user: str | None
    text: str
    extra: dict = field(default_factory=dict)
    reactions: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class Channel:
    id: str
    name: str
    share: float
    used_ts: set[str] = field(default_factory=set)


class SlackGenerator:
    def __init__(self, rng: random.Random, ids: IdMaker, cal: Calendar, people: People):
        self.rng, self.ids, self.cal, self.people = rng, ids, cal, people
        self.team_id = ids.slack("T", 8)
        self.channels = [Channel(ids.slack("C"), name, share) for name, _, share, _ in CHANNELS]
        self.by_name = {c.name: c for c in self.channels}
        self.livechat_bot = (ids.slack("U"), ids.slack("B"))
        self.github_bot = (ids.slack("U"), ids.slack("B"))
        self.helper_bot = (ids.slack("U"), ids.slack("B"))
        self.groups = {
            ENGINEERING_HANDLE: ids.slack("S"),
            "devrel-team": ids.slack("S"),
            "meltano-sales": ids.slack("S"),
        }
        self.issue_links: list[str] = []
        team_ids = {m.slack_id for m in people.team}
        self.community = [u for u in people.slack_users if u.id not in team_ids]
        # Someone with a company email who is not on the roster (an "unknown responder").
        self.unlisted_staff = self.community[5].id

    # ---- building blocks -----------------------------------------------------------------

    def _ts(self, ch: Channel, at: float) -> str:
        seconds, micro = int(at), self.rng.randrange(1_000_000)
        while True:
            ts = f"{seconds}.{micro:06d}"
            if ts not in ch.used_ts:
                ch.used_ts.add(ts)
                return ts
            micro = (micro + 1) % 1_000_000

    def _message(self, ch: Channel, post: Post) -> dict:
        msg = {"type": "message", "ts": self._ts(ch, post.at), "text": post.text, "channel": ch.id}
        if post.user:
            msg["user"] = post.user
            msg["team"] = self.team_id
        msg.update(post.extra)
        if "subtype" not in msg and "bot_id" not in msg:
            msg["client_msg_id"] = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            if self.rng.random() < 0.04:
                edit_at = post.at + self.rng.uniform(30, 3 * HOUR)
                msg["edited"] = {"user": post.user, "ts": f"{int(edit_at)}.000000"}
        if post.reactions:
            msg["reactions"] = [
                {"name": name, "users": users, "count": len(users)}
                for name, users in post.reactions
            ]
        return msg

    def emit(self, out: Writers, ch: Channel, parent: Post, replies=(), tombstone=False) -> None:
        """Write a thread; anything at or after the anchor has not happened yet."""
        if not self.cal.in_window(parent.at):
            return
        kept = sorted((r for r in replies if parent.at < r.at < self.cal.end), key=lambda r: r.at)
        head = self._message(ch, parent)
        if tombstone and kept:
            head = {
                "type": "message",
                "subtype": "tombstone",
                "text": "This message was deleted.",
                "user": "USLACKBOT",
                "hidden": True,
                "ts": head["ts"],
                "channel": ch.id,
            }
        if not kept:
            out["messages"].write(head)
            return
        reply_msgs = [self._message(ch, r) for r in kept]
        reply_users = list(dict.fromkeys(m.get("user") or m["bot_id"] for m in reply_msgs))
        head.update(
            thread_ts=head["ts"],
            reply_count=len(reply_msgs),
            reply_users=reply_users,
            reply_users_count=len(reply_users),
            latest_reply=reply_msgs[-1]["ts"],
            is_locked=False,
            subscribed=False,
        )
        out["messages"].write(head)
        for msg in reply_msgs:
            msg["thread_ts"] = head["ts"]
            msg["parent_user_id"] = parent.user or parent.extra.get("bot_id")
            out["messages"].write(msg)

    def community_user(self, at: float) -> str:
        for _ in range(6):
            user = self.rng.choice(self.community)
            if user.created <= at:
                return user.id
        return self.community[0].id

    def active(self, at: float, role: str | None = None) -> list[Member]:
        return [m for m in self.people.team if m.active(at, self.cal) and role in (None, m.role)]

    def team_user(self, at: float, role: str | None = None) -> Member:
        return self.rng.choice(self.active(at, role) or self.active(at))

    def link(self) -> str:
        return self.rng.choice(self.issue_links)

    def check(self) -> str:
        return self.rng.choice(CHECKS)

    # ---- the random bulk --------------------------------------------------------------------

    def community_thread(self, out: Writers, ch: Channel, at: float) -> None:
        rng = self.rng
        asker = self.community_user(at)
        parent = Post(at, asker, tx.pick(rng, tx.QUESTIONS))
        replies: list[Post] = []
        if rng.random() < 0.12:
            replies.append(Post(at + rng.uniform(2, 10) * HOUR, asker, rng.choice(tx.BUMPS)))
        if rng.random() < 0.02:
            bot_user, bot_id = self.helper_bot
            replies.append(
                Post(at + 30, bot_user, "Have you searched the FAQ?", {"bot_id": bot_id})
            )
        if rng.random() < 0.88:
            if rng.random() < 0.45:
                who = self.community_user(at)
                first_at = self.cal.reply_time(rng, at, 2.0, office=False)
            else:
                who = self.team_user(at, "devrel" if rng.random() < 0.7 else "engineering").slack_id
                first_at = self.cal.reply_time(rng, at, 3.5, office=True)
            docs = rng.random() < 0.1
            answer = rng.choice(tx.DOCS_REPLIES) if docs else tx.pick(rng, tx.ANSWERS)
            first = Post(first_at, who, answer)
            replies.append(first)
            t = first_at
            for i in range(int(rng.expovariate(1 / 1.3))):
                t += rng.lognormvariate(0, 1.3) * HOUR
                text = tx.pick(rng, tx.FOLLOWUPS) if i % 2 == 0 else tx.pick(rng, tx.ANSWERS)
                extra = {"subtype": "thread_broadcast"} if rng.random() < 0.03 else {}
                replies.append(Post(t, asker if i % 2 == 0 else who, text, extra))
            if docs and rng.random() < 0.55:
                opener = self.team_user(t, "devrel").slack_id
                replies.append(Post(t + HOUR, opener, f"I opened {self.link()} to fix the docs."))
            if rng.random() < 0.75:
                target = parent if rng.random() < 0.65 else first
                target.reactions.append((self.check(), [self.team_user(at, "devrel").slack_id]))
        if rng.random() < 0.2:
            parent.reactions.append((rng.choice(OTHER_REACTIONS), [self.community_user(at)]))
        self.emit(out, ch, parent, replies, tombstone=bool(replies) and rng.random() < 0.01)

    def escalation(self, out: Writers, ch: Channel, at: float) -> None:
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            author = self.team_user(at, "devrel").slack_id
        elif r < 0.8:
            author = self.community_user(at)
        else:
            author = self.team_user(at).slack_id
        smes = [m for m in self.people.smes() if m.active(at, self.cal)]
        sme = rng.choice(smes)
        r = rng.random()
        tag, responder = "", None
        if r < 0.35:
            tag = f"<!subteam^{self.groups[ENGINEERING_HANDLE]}|@{ENGINEERING_HANDLE}> "
        elif r < 0.65:
            tag, responder = f"<@{sme.slack_id}> ", sme
        elif r < 0.75:
            tag = "<!here> "
        elif r < 0.82:
            tag = f"<!subteam^{self.groups['devrel-team']}> "
        responder = responder or self.team_user(at, "engineering")
        replies = []
        if rng.random() < 0.15:
            devrel = self.team_user(at, "devrel").slack_id
            replies.append(Post(self.cal.reply_time(rng, at, 1.0, True), devrel, "Looking too 👀"))
        if rng.random() < 0.92:
            first_at = self.cal.reply_time(rng, at, 4.0, office=True)
            first = Post(first_at, responder.slack_id, tx.pick(rng, tx.ANSWERS))
            replies += [first, Post(first_at + HOUR, author, rng.choice(tx.FOLLOWUPS))]
            if rng.random() < 0.7:
                first.reactions.append((self.check(), [author]))
        parent = Post(at, author, tag + tx.pick(rng, tx.ESCALATIONS))
        self.emit(out, ch, parent, replies)

    def casual(self, out: Writers, ch: Channel, at: float) -> None:
        rng = self.rng
        if ch.name == "announcements":
            if rng.random() < 0.3:
                user, bot_id = self.github_bot
                text = f"New release published: {self.link()}"
                self.emit(out, ch, Post(at, user, text, {"bot_id": bot_id}))
                return
            parent = Post(at, self.team_user(at).slack_id, tx.pick(rng, tx.ANNOUNCEMENTS))
        else:
            parent = Post(at, self.community_user(at), tx.pick(rng, tx.CASUAL))
        parent.reactions.extend(
            (name, [self.community_user(at)])
            for name in rng.sample(OTHER_REACTIONS, rng.randrange(0, 3))
        )
        replies = [
            Post(at + rng.lognormvariate(0, 1.5) * HOUR, self.community_user(at), "😂 nice")
            for _ in range(rng.randrange(0, 3))
        ]
        self.emit(out, ch, parent, replies)

    def livechat_post(self, out: Writers, at: float, visitor: str, text: str) -> None:
        _, bot_id = self.livechat_bot
        extra = {"subtype": "bot_message", "bot_id": bot_id, "username": "HubSpot Live Chat"}
        replies = []
        if self.rng.random() < 0.3:
            who = self.team_user(at, "devrel").slack_id
            replies.append(Post(at + self.rng.uniform(60, 1800), who, "Picked this up in HubSpot"))
        self.emit(
            out, self.by_name["support"], Post(at, None, f"*{visitor}*: {text}", extra), replies
        )

    def channel_events(self, out: Writers) -> None:
        """Joins of the users who arrived during the window, and topic changes."""
        rng = self.rng
        for user in self.people.slack_users:
            if not self.cal.in_window(user.created):
                continue
            for k, ch in enumerate(rng.sample(self.channels, rng.randrange(1, 4))):
                text = f"<@{user.id}> has joined the channel"
                at = user.created + 60 * (k + 1)
                self.emit(out, ch, Post(at, user.id, text, {"subtype": "channel_join"}))
        for ch, (_, _, _, topic) in zip(self.channels, CHANNELS, strict=True):
            at = self.cal.arrival(rng)
            who = self.team_user(at, "devrel").slack_id
            text = f"<@{who}> set the channel topic: {topic}"
            self.emit(out, ch, Post(at, who, text, {"subtype": "channel_topic", "topic": topic}))

    # ---- the cases tests rely on, present at any scale ------------------------------------

    def scripted(self, out: Writers) -> None:
        cal, p = self.cal, self.people
        ts, gs, co, su = (self.by_name[name] for name, *_ in CHANNELS[:4])
        devrel = p.with_duty("live_chat_owner")
        sme = next(m for m in p.smes() if m.valid_to is None)
        engineer = next(m for m in p.by_role("engineering") if not m.duties and m.valid_to is None)
        former, newcomer = p.former(), p.newcomer()
        c1, c2, c3 = (u.id for u in self.community[:3])

        def at(week: int, weekday: int = 1, hour: float = 10.0) -> float:
            return cal.weekday_at(weekday, hour * 3600, week)

        def thread(ch, t, user, text, replies=(), reactions=(), tombstone=False, extra=None):
            parent = Post(t, user, text, dict(extra or {}), list(reactions))
            posts = [Post(t + h * HOUR, u, x, dict(e), list(r)) for h, u, x, e, r in replies]
            self.emit(out, ch, parent, posts, tombstone)

        ok = [("white_check_mark", [devrel.slack_id])]
        # Answered by the community, ✅ on the parent, parent edited.
        thread(
            ts,
            at(3),
            c1,
            "How do I pin a plugin version? 🤔",
            [(1, c2, "Use pip_url", {}, [])],
            ok,
            extra={"edited": {"user": c1, "ts": f"{int(at(3)) + 60}.000000"}},
        )
        # Answered by the team, ✔️ on the reply.
        thread(
            gs,
            at(4, 2),
            c2,
            "Where do I start with taps?",
            [(2, devrel.slack_id, "Start with the tutorial", {}, [("heavy_check_mark", [c2])])],
        )
        # Answered, never marked handled.
        thread(
            ts,
            at(5, 0, 14),
            c3,
            "Why is my state empty?",
            [(3, devrel.slack_id, "Check the state backend", {}, [("+1", [c3])])],
        )
        # Never answered (a reaction is not a response).
        thread(co, at(6, 3, 15), c1, "Who reviews SDK PRs?", reactions=[("eyes", [c2])])
        # The asker bumps, then the team answers; ☑️ on the answer.
        thread(
            ts,
            at(7),
            c2,
            "tap-csv ignores my delimiter",
            [
                (4, c2, "bump 🙂", {}, []),
                (6, engineer.slack_id, "Fixed on main", {}, [("ballot_box_with_check", [c2])]),
            ],
        )
        # Parent deleted after replies: Slack keeps a tombstone.
        thread(
            ts,
            at(8),
            c3,
            "deleted question",
            [(1, c1, "answer to a deleted question", {}, [])],
            tombstone=True,
        )
        # A reply also sent to the channel.
        thread(
            gs,
            at(9),
            c1,
            "Is Windows supported?",
            [
                (1, c2, "Yes via WSL", {}, []),
                (2, c1, "Thanks, sharing with everyone", {"subtype": "thread_broadcast"}, []),
            ],
        )
        # Docs mentioned, with an issue link; without a link; a docs URL with a PR link.
        issue = next(u for u in self.issue_links if "/issues/" in u)
        pr = next(u for u in self.issue_links if "/pull/" in u)
        thread(
            ts,
            at(10),
            c1,
            "The docs on selection are wrong?",
            [
                (1, devrel.slack_id, "Right, the documentation is outdated", {}, []),
                (2, devrel.slack_id, f"Opened {issue}", {}, ok),
            ],
        )
        thread(
            gs,
            at(11),
            c2,
            "Is there documentation for mappers?",
            [(2, devrel.slack_id, "Not yet, sorry", {}, [])],
        )
        thread(
            co,
            at(12),
            c3,
            "https://docs.meltano.com/concepts/state has a typo",
            [(3, engineer.slack_id, f"Fixed in {pr}", {}, ok)],
        )
        # Non-Latin scripts and emoji; HTML that must be escaped when displayed.
        for i, text in enumerate(tx.MULTILINGUAL):
            thread(
                gs,
                at(13 + i, i % 5),
                self.community[3 + i].id,
                text,
                [(2, devrel.slack_id, "👋 " + text[:8], {}, [])] if i % 2 == 0 else (),
            )
        thread(
            ts,
            at(18),
            c1,
            "Why does <script>alert(1)</script> appear in my tap output?",
            [(1, c2, "Looks like HTML in your source data", {}, [])],
        )
        # The former member: team before leaving, community after.
        left = cal.at(former.valid_to, 12 * 3600)
        thread(
            ts,
            left - 20 * DAY_SECONDS,
            c1,
            "Postgres tap question",
            [(1, former.slack_id, "Set the replication method", {}, [])],
        )
        thread(
            ts,
            left + 20 * DAY_SECONDS,
            former.slack_id,
            "Hi all, ex-Meltano here, a question",
            [(5, devrel.slack_id, "Welcome back!", {}, [])],
        )
        thread(
            gs,
            left + 25 * DAY_SECONDS,
            c2,
            "Postgres CDC?",
            [(2, former.slack_id, "Use log-based replication", {}, [])],
        )
        # The newcomer: community before joining, team after.
        joined = cal.at(newcomer.valid_from, 12 * 3600)
        thread(
            ts,
            joined - 10 * DAY_SECONDS,
            newcomer.slack_id,
            "How does meltano handle state?",
            [(1, c1, "State is in the system db", {}, [])],
        )
        thread(
            ts,
            joined + 10 * DAY_SECONDS,
            c3,
            "Target snowflake key pair auth?",
            [(1, newcomer.slack_id, "Set private_key_path", {}, [])],
        )
        # Staff posting top-level in a community channel is not a request.
        thread(ts, at(19), p.by_role("staff")[0].slack_id, "Reminder: office hours today!")
        # A bot reply before the first human answer.
        hb_user, hb_bot = self.helper_bot
        thread(
            ts,
            at(20),
            c1,
            "meltano install hangs",
            [
                (0.01, hb_user, "Have you searched the FAQ?", {"bot_id": hb_bot}, []),
                (2, c2, "Try --no-cache", {}, []),
            ],
        )
        # An answer by someone with a company email who is not on the roster.
        thread(
            ts,
            at(21),
            c2,
            "Is there a hub API?",
            [(1, self.unlisted_staff, "Yes, hub.meltano.com/api", {}, [])],
        )
        # Only the asker replies: still unanswered.
        thread(ts, at(22), c3, "tap-github rate limits", [(1, c3, "never mind, found it", {}, [])])
        # Escalations in #support: tag kinds, qualifying and non-qualifying first replies.
        eng_tag = f"<!subteam^{self.groups[ENGINEERING_HANDLE]}|@{ENGINEERING_HANDLE}>"
        cases = (
            (f"{eng_tag} user reports a crash", engineer, 3),
            (f"<!subteam^{self.groups[ENGINEERING_HANDLE]}> state issue", engineer, 30),
            (f"<@{sme.slack_id}> dbt question from a customer", sme, 2),
            ("<!here> anyone know about mappers?", engineer, 5),
            (f"<!subteam^{self.groups['devrel-team']}> docs question", engineer, 4),
            (f"<@{c1}> says the tap is broken", engineer, 6),
            ("no tag, unanswered escalation", None, 0),
            (f"<@{former.slack_id}> postgres question", engineer, 8),
        )
        for i, (text, responder, hours) in enumerate(cases):
            replies = [(0.5, devrel.slack_id, "I'll ping someone", {}, [])] if i == 3 else []
            if responder:
                replies.append((hours, responder.slack_id, "On it", {}, ok if i % 2 else []))
            author = c2 if i == 5 else devrel.slack_id
            t = at(23 + i) if i != 7 else cal.at(former.valid_to, 12 * 3600) + 30 * DAY_SECONDS
            thread(su, t, author, text, replies)
        # Live chat piped in by the integration bot, answered in a thread.
        _, lc_bot = self.livechat_bot
        thread(
            su,
            at(31),
            None,
            "*Visitor*: do you have an enterprise plan?",
            [(0.2, devrel.slack_id, "Picked this up", {}, [])],
            extra={"subtype": "bot_message", "bot_id": lc_bot, "username": "HubSpot Live Chat"},
        )
        # An app bot post without a subtype.
        gh_user, gh_bot = self.github_bot
        thread(co, at(32), gh_user, f"New PR: {pr}", extra={"bot_id": gh_bot})
        # Around each DST switch, a thread whose reply crosses it.
        for switch in cal.dst_switches:
            thread(
                ts,
                switch - 1200,
                c1,
                "Question posted just before the clocks change",
                [(1, devrel.slack_id, "Answer after the switch", {}, [])],
            )
            thread(gs, switch + 1200, c2, "Question posted just after the clocks change")
        # A reply whose parent predates the export window (deliberate orphan).
        orphan_parent = f"{int(cal.start - 3 * DAY_SECONDS)}.000100"
        orphan = Post(cal.start + HOUR, c1, "Replying to an old thread")
        msg = self._message(ts, orphan)
        msg.update(thread_ts=orphan_parent, parent_user_id=c2)
        out["messages"].write(msg)
        # Waiting at the anchor: one just asked (pending), one past its 24 hours (breached).
        thread(ts, cal.end - 2 * HOUR, c1, "Just asked: pipeline stuck?")
        thread(gs, cal.end - 30 * HOUR, c2, "Asked yesterday: target-duckdb locks")

    # ---- static collections ----------------------------------------------------------------

    def write_static(self, out: Writers) -> None:
        p, cal = self.people, self.cal
        created = int(cal.start - 1500 * DAY_SECONDS)
        creator = p.with_duty("live_chat_owner").slack_id
        n_users = len(p.slack_users) + len(p.team)
        for ch, (_, _, _, topic) in zip(self.channels, CHANNELS, strict=True):
            out["channels"].write(
                {
                    "id": ch.id,
                    "name": ch.name,
                    "name_normalized": ch.name,
                    "created": created,
                    "creator": creator,
                    "is_channel": True,
                    "is_private": False,
                    "is_archived": False,
                    "is_general": ch.name == "announcements",
                    "is_member": True,
                    "is_shared": False,
                    "topic": {"value": topic, "creator": creator, "last_set": created},
                    "purpose": {"value": topic, "creator": creator, "last_set": created},
                    "num_members": n_users if ch.name == "announcements" else n_users // 2,
                }
            )
        for m in p.team:
            out["users"].write(
                self._user(
                    m.slack_id,
                    m.handle,
                    m.person,
                    "America/New_York",
                    m.email,
                    created,
                    deleted=False,
                )
            )
        for u in p.slack_users:
            email = f"{u.name}@meltano.com" if u.id == self.unlisted_staff else u.email
            out["users"].write(
                self._user(u.id, u.name, u.real_name, u.tz, email, u.created, u.deleted)
            )
        bots = (
            (self.livechat_bot, "hubspot", "HubSpot Live Chat"),
            (self.github_bot, "github", "GitHub"),
            (self.helper_bot, "meltano-helper", "Meltano Helper"),
        )
        for (user_id, bot_id), name, real in bots:
            user = self._user(user_id, name, real, None, None, created, False)
            user.update(is_bot=True)
            user["profile"].update(bot_id=bot_id, api_app_id=self.ids.slack("A"))
            out["users"].write(user)
        slackbot = self._user("USLACKBOT", "slackbot", "Slackbot", None, None, created, False)
        out["users"].write(slackbot)
        groups = {
            ENGINEERING_HANDLE: ("Meltano Engineering", "engineering"),
            "devrel-team": ("DevRel", "devrel"),
            "meltano-sales": ("Sales", "sales"),
        }
        for handle, (name, role) in groups.items():
            users = [m.slack_id for m in p.team if m.role == role and m.valid_to is None]
            out["usergroups"].write(
                {
                    "id": self.groups[handle],
                    "team_id": self.team_id,
                    "is_usergroup": True,
                    "name": name,
                    "description": f"The {name} team",
                    "handle": handle,
                    "is_external": False,
                    "date_create": created,
                    "date_update": int(cal.start),
                    "date_delete": 0,
                    "auto_type": None,
                    "created_by": creator,
                    "updated_by": creator,
                    "deleted_by": None,
                    "prefs": {"channels": [], "groups": []},
                    "users": users,
                    "user_count": len(users),
                }
            )

    def _user(self, uid, name, real, tz, email, created, deleted) -> dict:
        profile = {
            "display_name": name,
            "display_name_normalized": name,
            "real_name": real,
            "real_name_normalized": real,
        }
        if email:
            profile["email"] = email
        user = {
            "id": uid,
            "team_id": self.team_id,
            "name": name,
            "real_name": real,
            "deleted": deleted,
            "is_bot": False,
            "is_app_user": False,
            "is_admin": False,
            "updated": int(max(created, self.cal.start)),
            "profile": profile,
        }
        if tz and not deleted:
            user["tz"] = tz
        return user

    def generate(self, directory: Path, scale: float, issue_links, chats) -> dict[str, int]:
        self.issue_links = issue_links
        out = Writers(directory, ["channels", "users", "usergroups", "messages"])
        self.write_static(out)
        self.scripted(out)
        self.channel_events(out)
        for at, visitor, text in chats:
            self.livechat_post(out, at, visitor, text)
        for ch, (_, rule, _, _) in zip(self.channels, CHANNELS, strict=True):
            n = round(TOP_LEVEL_POSTS * ch.share * scale)
            for at in sorted(self.cal.arrival(self.rng) for _ in range(n)):
                if rule == "slack_escalation":
                    self.escalation(out, ch, at)
                elif rule:
                    if self.rng.random() < 0.04:
                        self.emit(out, ch, Post(at, self.team_user(at).slack_id, "Tip of the day"))
                    else:
                        self.community_thread(out, ch, at)
                else:
                    self.casual(out, ch, at)
        return out.close()
