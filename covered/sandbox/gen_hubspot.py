"""HubSpot: owners, tickets, Conversations threads (live chat and email) and their messages."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from covered.sandbox import gen_text as tx
from covered.sandbox.gen_common import DAY_SECONDS, HOUR, Calendar, Writers, iso_ms
from covered.sandbox.gen_people import FIRST, LAST, IdMaker, Member, People

LIVE_CHAT_CHANNEL = "1000"
EMAIL_CHANNEL = "1002"
SECURITY = "SECURITY_ISSUE"
PRESALES = ("PRE_SALES", "RFP")
OTHER_CATEGORIES = ("GENERAL_INQUIRY", "PRODUCT_ISSUE", "BILLING")
# Volumes at scale 1.
EMAIL_TICKETS = 420
FORM_TICKETS = 30
SECURITY_TICKETS = 24  # plus the scripted security cases
CHATS = 500
CHAT_TICKET_SHARE = 0.24
STAGE_OPEN, STAGE_WAITING, STAGE_CLOSED = "1", "3", "4"


@dataclass
class Msg:
    at: float
    actor: str
    text: str
    direction: str | None = "OUTGOING"  # None for internal notes (COMMENT)


@dataclass
class Conversation:
    """One ticket and/or thread before serialisation."""

    created: float
    channel: str
    subject: str
    category: str | None
    source: str | None
    owner: Member | None
    messages: list[Msg] = field(default_factory=list)
    reply_date: str = "set"  # set | null | empty
    closed: bool = True
    assigned: Member | None = None


class HubSpotGenerator:
    def __init__(self, rng: random.Random, ids: IdMaker, cal: Calendar, people: People):
        self.rng, self.ids, self.cal, self.people = rng, ids, cal, people
        self.agents = [m for m in people.team if m.hubspot_owner_id]
        self.support = [m for m in self.agents if m.role in ("devrel", "staff")]
        self.chat_owner = people.with_duty("live_chat_owner")
        self.presales_owner = people.with_duty("presales_owner")
        self.inbox = {LIVE_CHAT_CHANNEL: "147001", EMAIL_CHANNEL: "147002"}
        self.accounts = {LIVE_CHAT_CHANNEL: "39001", EMAIL_CHANNEL: "39002"}
        self.chats_for_slack: list[tuple[float, str, str]] = []

    def agent(self, member: Member) -> str:
        return f"A-{member.hubspot_user_id}"

    # ---- the random bulk --------------------------------------------------------------------

    def email_case(self, category: str, source: str, created: float | None = None) -> Conversation:
        rng, cal = self.rng, self.cal
        created = created or cal.arrival(rng, office_share=0.7)
        security = category == SECURITY
        subject = tx.pick(rng, tx.SECURITY_SUBJECTS if security else tx.TICKET_SUBJECTS)
        owner = rng.choice(self.support)
        conv = Conversation(created, EMAIL_CHANNEL, subject, category, source, owner)
        conv.messages.append(Msg(created, "V", tx.pick(rng, tx.QUESTIONS), "INCOMING"))
        if rng.random() < 0.15:
            note = Msg(created + rng.uniform(0.2, 3) * HOUR, self.agent(owner), "triaged", None)
            conv.messages.append(note)
        if rng.random() < 0.92:
            t = cal.reply_time(rng, created, 3.0 if security else 4.0, office=True)
            conv.messages.append(Msg(t, self.agent(owner), rng.choice(tx.AGENT_REPLIES)))
            # Security reporters get regular updates; sometimes a gap runs past a week.
            updates = rng.randrange(1, 5) if security else int(rng.expovariate(1 / 0.8))
            for _ in range(updates):
                t += rng.lognormvariate(1.2 if security else 0.5, 0.7) * DAY_SECONDS
                conv.messages.append(Msg(t, self.agent(owner), rng.choice(tx.AGENT_REPLIES)))
            conv.closed = rng.random() < (0.6 if security else 0.8)
        else:
            conv.closed = False
        r = rng.random()
        conv.reply_date = "null" if r < 0.08 else "empty" if r < 0.13 else "set"
        return conv

    def chat_case(self, created: float | None = None) -> Conversation:
        rng, cal = self.rng, self.cal
        created = created or cal.arrival(rng, office_share=0.8)
        opener = tx.pick(rng, tx.CHAT_OPENERS)
        category, source = None, None
        if rng.random() < CHAT_TICKET_SHARE:
            source = "CHAT"
            category = rng.choice(PRESALES) if rng.random() < 0.67 else rng.choice(OTHER_CATEGORIES)
        right = self.presales_owner if category in PRESALES else self.chat_owner
        wrong = self.chat_owner if right is self.presales_owner else self.presales_owner
        assigned = wrong if rng.random() < 0.1 else right
        conv = Conversation(created, LIVE_CHAT_CHANNEL, "", category, source, assigned)
        conv.assigned = assigned
        conv.messages += [
            Msg(created, "V", opener, "INCOMING"),
            Msg(created + 2, "B-81234", "Thanks! An agent will be with you shortly. 🤖"),
        ]
        if rng.random() < 0.9:
            t = cal.reply_time(rng, created, 0.3, office=True, sigma=1.0)
            conv.messages.append(Msg(t, self.agent(assigned), rng.choice(tx.AGENT_REPLIES)))
            conv.messages.append(Msg(t + 120, "V", "Thanks!", "INCOMING"))
        else:
            conv.assigned = None if rng.random() < 0.5 else assigned
            conv.closed = False
        return conv

    # ---- the cases tests rely on -------------------------------------------------------------

    def scripted(self) -> list[Conversation]:
        cal, out = self.cal, []
        owner = self.support[0]

        def email(
            t,
            category=OTHER_CATEGORIES[0],
            source="EMAIL",
            replies=(),
            closed=True,
            reply_date="set",
            notes=(),
        ):
            conv = Conversation(
                t,
                EMAIL_CHANNEL,
                f"Scripted {category} case",
                category,
                source,
                owner,
                [Msg(t, "V", "Hello, we need help", "INCOMING")],
            )
            conv.messages += [Msg(t + h * HOUR, self.agent(owner), "Reply") for h in replies]
            conv.messages += [Msg(t + h * HOUR, self.agent(owner), "note", None) for h in notes]
            conv.messages += [Msg(t + 0.1 * HOUR, "B-81234", "Auto-reply: we got your email")]
            conv.closed, conv.reply_date = closed, reply_date
            out.append(conv)

        week = cal.weekday_at
        email(week(1, 22.5 * 3600, 5), replies=[12])  # Tue 22:30 -> due Wed 17:00
        email(week(2, 10 * 3600, 6), replies=[3], reply_date="null")
        email(week(2, 11 * 3600, 7), replies=[5], reply_date="empty", notes=[1])
        email(week(3, 11 * 3600, 8), closed=False, reply_date="null")  # never answered
        email(week(0, 9 * 3600, 9), source="FORM", replies=[30])
        email(cal.end - 2 * HOUR, closed=False, reply_date="null")  # pending at the anchor
        for switch in cal.dst_switches:
            email(switch - 1800, replies=[10])
        # Security: Fri 16:00, Thu 18:00, Saturday before a Monday holiday, from a form.
        email(week(4, 16 * 3600, 10), SECURITY, replies=[65, 100])
        email(week(3, 18 * 3600, 11), SECURITY, replies=[20])
        saturday = cal.saturday_before_holiday_monday()
        if saturday is not None:
            email(saturday, SECURITY, replies=[70])
        email(week(2, 14 * 3600, 12), SECURITY, source="FORM", replies=[2], reply_date="empty")
        # Open security tickets: one with a gap over 7 days, one updated every few days.
        email(cal.end - 40 * DAY_SECONDS, SECURITY, replies=[5, 24 * 3, 24 * 12], closed=False)
        email(cal.end - 20 * DAY_SECONDS, SECURITY, replies=[4, 72, 144, 216], closed=False)
        email(cal.end - 5 * HOUR, SECURITY, closed=False, reply_date="null")  # not yet acked

        def chat(t, category, assigned, answered=True):
            conv = Conversation(
                t,
                LIVE_CHAT_CHANNEL,
                "",
                category,
                "CHAT" if category else None,
                assigned,
                [Msg(t, "V", "Hi there", "INCOMING")],
            )
            conv.assigned = assigned
            conv.messages.append(Msg(t + 2, "B-81234", "An agent will be with you shortly"))
            if answered:
                conv.messages.append(Msg(t + 300, self.agent(assigned), "routing note", None))
                conv.messages.append(Msg(t + 600, self.agent(assigned), "Hello!"))
            conv.closed = answered
            out.append(conv)

        ch, ps = self.chat_owner, self.presales_owner
        chat(week(1, 11 * 3600, 4), "PRE_SALES", ps)  # routed right
        chat(week(2, 11 * 3600, 4), "RFP", ch)  # misrouted
        chat(week(3, 11 * 3600, 4), OTHER_CATEGORIES[1], ch)  # ticketed, not pre-sales
        chat(week(4, 11 * 3600, 4), None, ch)  # no ticket
        chat(week(0, 11 * 3600, 5), None, ps)  # no ticket, misrouted
        chat(week(1, 20 * 3600, 5), None, ch, answered=False)  # after hours, never answered
        return out

    # ---- serialisation -----------------------------------------------------------------------

    def write(self, out: Writers, conv: Conversation) -> None:
        rng, end = self.rng, self.cal.end
        msgs = sorted((m for m in conv.messages if m.at < end), key=lambda m: m.at)
        thread_id = str(self.ids.number(4_000_000_000, 9_999_999_999))
        contact = self.ids.number(100_000, 99_999_999)
        visitor_actor = f"V-{contact}"
        ticket_id = None
        last = msgs[-1].at
        closed_at = last + rng.uniform(0.5, 6) * HOUR if conv.closed else None
        if closed_at is not None and closed_at >= end:
            closed_at = None
        if conv.category:
            ticket_id = str(self.ids.number(1_000_000_000, 3_999_999_999))
            created = conv.created if conv.channel == EMAIL_CHANNEL else conv.created + 240
            agent_msgs = [m for m in msgs if m.direction == "OUTGOING" and m.actor.startswith("A-")]
            first = iso_ms(agent_msgs[0].at) if agent_msgs else None
            reply = {"set": first, "null": None, "empty": ""}[conv.reply_date]
            modified = max(created, closed_at or last)
            stage = STAGE_CLOSED if closed_at else STAGE_WAITING if agent_msgs else STAGE_OPEN
            priority = "HIGH" if conv.category == SECURITY else rng.choice(("LOW", "MEDIUM"))
            out["tickets"].write(
                {
                    "id": ticket_id,
                    "properties": {
                        "hs_object_id": ticket_id,
                        "subject": conv.subject or msgs[0].text[:60],
                        "content": msgs[0].text,
                        "createdate": iso_ms(created),
                        "hs_lastmodifieddate": iso_ms(modified),
                        "hs_ticket_category": conv.category,
                        "hubspot_owner_id": conv.owner.hubspot_owner_id if conv.owner else None,
                        "source_type": conv.source,
                        "hs_pipeline": "0",
                        "hs_pipeline_stage": stage,
                        "hs_ticket_priority": priority,
                        "first_agent_reply_date": reply,
                        "closed_date": iso_ms(closed_at) if closed_at else None,
                        "hs_conversations_originating_thread_id": thread_id,
                    },
                    "createdAt": iso_ms(created),
                    "updatedAt": iso_ms(modified),
                    "archived": False,
                }
            )
        thread = {
            "id": thread_id,
            "createdAt": iso_ms(conv.created),
            "status": "CLOSED" if closed_at else "OPEN",
            "inboxId": self.inbox[conv.channel],
            "originalChannelId": conv.channel,
            "originalChannelAccountId": self.accounts[conv.channel],
            "associatedContactId": str(contact),
            "assignedTo": self.agent(conv.assigned or conv.owner)
            if (conv.assigned or conv.owner)
            else None,
            "latestMessageTimestamp": iso_ms(last),
            "spam": False,
            "archived": False,
        }
        if closed_at:
            thread["closedAt"] = iso_ms(closed_at)
        if ticket_id:
            thread["threadAssociations"] = {"associatedTicketId": ticket_id}
        out["threads"].write(thread)
        for m in msgs:
            actor = visitor_actor if m.actor == "V" else m.actor
            msg = {
                "id": f"{rng.getrandbits(128):032x}",
                "threadId": thread_id,
                "type": "MESSAGE" if m.direction else "COMMENT",
                "createdAt": iso_ms(m.at),
                "updatedAt": iso_ms(m.at),
                "createdBy": actor,
                "senders": [{"actorId": actor}],
                "text": m.text,
                "archived": False,
            }
            if m.direction:
                msg.update(
                    direction=m.direction,
                    channelId=conv.channel,
                    channelAccountId=self.accounts[conv.channel],
                    subject=conv.subject if conv.channel == EMAIL_CHANNEL else None,
                    truncationStatus="TRUNCATED_TO_MOST_RECENT_REPLY"
                    if conv.channel == EMAIL_CHANNEL and len(msgs) > 4
                    else "NOT_TRUNCATED",
                    status={"statusType": "SENT" if m.direction == "OUTGOING" else "RECEIVED"},
                )
            out["messages"].write(msg)
        if conv.channel == LIVE_CHAT_CHANNEL:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            self.chats_for_slack.append((conv.created + 5, name, msgs[0].text))

    def write_owners(self, out: Writers) -> None:
        created = iso_ms(self.cal.start - 600 * DAY_SECONDS)
        for m in self.agents:
            first, _, last = m.person.partition(" ")
            out["owners"].write(
                self.owner(
                    m.hubspot_owner_id, m.email, first, last, m.hubspot_user_id, created, False
                )
            )
        # An owner not on the roster, and an archived one.
        for first, last, archived in (("Jordan", "Blake", False), ("Morgan", "Lee", True)):
            email = f"{first.lower()}.{last.lower()}@meltano.com"
            out["owners"].write(
                self.owner(
                    str(self.ids.number(10_000_000, 99_999_999)),
                    email,
                    first,
                    last,
                    self.ids.number(1_000_000, 9_999_999),
                    created,
                    archived,
                )
            )

    def owner(self, oid, email, first, last, user_id, created, archived) -> dict:
        return {
            "id": oid,
            "email": email,
            "firstName": first,
            "lastName": last,
            "userId": user_id,
            "createdAt": created,
            "updatedAt": iso_ms(self.cal.start),
            "archived": archived,
        }

    def generate(self, directory: Path, scale: float) -> dict[str, int]:
        rng = self.rng
        out = Writers(directory, ["owners", "tickets", "threads", "messages"])
        self.write_owners(out)
        for conv in self.scripted():
            self.write(out, conv)
        plan = (
            [("email", OTHER_CATEGORIES, "EMAIL")] * round(EMAIL_TICKETS * scale)
            + [("email", OTHER_CATEGORIES, "FORM")] * round(FORM_TICKETS * scale)
            + [("email", (SECURITY,), "EMAIL")] * round(SECURITY_TICKETS * scale)
            + [("chat", (), None)] * round(CHATS * scale)
        )
        for kind, categories, source in plan:
            if kind == "chat":
                self.write(out, self.chat_case())
            else:
                self.write(out, self.email_case(rng.choice(categories), source))
        return out.close()
