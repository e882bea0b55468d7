"""Acceptance test of the metrics contract (shared/spec/metrics.md) on hand-made scenarios.

One small dataset in the vendors' wire formats and one config directory are written by hand,
run once through the real `covered pipeline`, and every request's rule, first response,
deadline, status and flags in marts.fct_support_requests is checked against values computed
by hand from the spec (the arithmetic is next to each case). Team time zone America/New_York:
EDT (UTC-4) until 2026-11-01 06:00 UTC, EST (UTC-5) after. AS_OF is Tue 2026-11-10 12:00 EST.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime

import duckdb
import pytest

from covered.config import REQUIRED_COLUMNS
from tests.conftest import COVERED, PROJECT_ROOT
from tests.scenario_data import Dataset, github_user, write_csv

AS_OF = "2026-11-10T17:00:00Z"
ENG_GROUP = "SENG01"
SALES_GROUP = "SSALES01"
# Slack channels
TROUBLE, GETTING_STARTED, SUPPORT, RANDOM = "CTROUBLE", "CGETSTART", "CSUPPORT", "CRANDOM"
# Slack users: roster (see TEAM), community, bots; UGHOST is missing from users.list.
ALICE, ERIN, SID, PAULA, FRED = "UALICE", "UERIN", "USID", "UPAULA", "UFRED"
SUE, OLGA, NINA = "USUE", "UOLGA", "UNINA"
CARL, DORA, HELPER, LIVECHAT, GHOST = "UCARL", "UDORA", "UHELPER", "ULIVECHAT", "UGHOST"
LIVE_CHAT_CHANNEL, EMAIL_CHANNEL = "1000", "1002"

TEAM = [
    # person, role, slack_user_id, github_login, hubspot_owner_id, duties, valid_from, valid_to
    ["Alice Devrel", "devrel", ALICE, "alice-gh", "101", "live_chat_owner", "2021-01-01", ""],
    # Mixed case on purpose: GitHub logins match case-insensitively.
    ["Erin Engineer", "engineering", ERIN, "Erin-GH", "", "", "2021-01-01", ""],
    ["Sid Expert", "devrel", SID, "", "", "sme:dbt", "2021-01-01", ""],
    ["Paula Presales", "sales", PAULA, "", "102", "presales_owner", "2021-01-01", ""],
    ["Fred Former", "engineering", FRED, "fred-gh", "", "", "2021-01-01", "2026-06-30"],
    ["Sue Snow", "devrel", SUE, "", "", "sme:snowflake", "2021-01-01", ""],
    ["Olga Old", "engineering", OLGA, "", "", "sme:postgres", "2021-01-01", "2026-06-30"],
    ["Nina New", "engineering", NINA, "", "", "", "2026-11-20", ""],
]
CHANNELS = [
    ["troubleshooting", "slack_community_24h"],
    ["getting-started", "slack_community_24h"],
    ["support", "slack_escalation"],
]
# First match wins: MeltanoLabs/target-* is shadowed by MeltanoLabs/* above it.
REPO_GROUPS = [
    ["MeltanoLabs/tap-*", "singer_ecosystem"],
    ["meltano/*", "meltano_project"],
    ["MeltanoLabs/*", "meltano_project"],
    ["MeltanoLabs/target-*", "singer_ecosystem"],
]

COLUMNS = (
    "rule_id",
    "requester_kind",
    "first_response_at",
    "first_responder_kind",
    "deadline_at",
    "sla_status",
    "is_answered",
    "is_handled",
    "is_tagged",
)


def utc(short: str | None) -> str | None:
    """'11-02 17:00' -> '2026-11-02T17:00:00Z' (every scenario is in 2026, times in UTC)."""
    return None if short is None else f"2026-{short[:5]}T{short[6:]}:00Z"


def expect(rule, requester, first, responder, deadline, status, answered, handled, tagged):
    values = (
        rule,
        requester,
        utc(first),
        responder,
        utc(deadline),
        status,
        answered,
        handled,
        tagged,
    )
    return dict(zip(COLUMNS, values, strict=True))


# The cases below are laid out one per block, with the arithmetic beside them: keep the formatter
# from spreading each expectation over ten lines.
# fmt: off
def build_slack(ds: Dataset, cases: dict, absent: dict) -> None:
    for channel_id, name in ((TROUBLE, "troubleshooting"), (GETTING_STARTED, "getting-started"),
                             (SUPPORT, "support"), (RANDOM, "random")):
        ds.channel(channel_id, name)
    for user_id, name in ((ALICE, "Alice Devrel"), (ERIN, "Erin Engineer"), (SID, "Sid Expert"),
                          (PAULA, "Paula Presales"), (FRED, "Fred Former"), (SUE, "Sue Snow"),
                          (OLGA, "Olga Old"), (NINA, "Nina New"), (CARL, "Carl Community"),
                          (DORA, "Dora Community")):
        ds.slack_user(user_id, name)
    ds.slack_user(HELPER, "Meltano Helper", bot_id="BHELPER")
    ds.slack_user(LIVECHAT, "HubSpot Live Chat", bot_id="BLIVECHAT")
    ds.usergroup(ENG_GROUP, "meltano-engineering", [ERIN])
    ds.usergroup(SALES_GROUP, "meltano-sales", [PAULA])

    def post(channel, user, at, text="A question", **kwargs):
        return ds.post(channel, user, utc(at), text, **kwargs)

    def case(name, parent, channel, *expected):
        cases[name] = (f"{channel}/{parent['ts']}", expect(*expected))

    community, escalation = "slack_community_24h", "slack_escalation"

    # Community member answers in 3 h: 11-02 14:00 + 24 h = 11-03 14:00; 17:00 <= it -> met.
    # heavy_check_mark on the parent -> handled.
    p = post(TROUBLE, CARL, "11-02 14:00", reactions=["heavy_check_mark"])
    post(TROUBLE, DORA, "11-02 17:00", thread=p)
    case("slack_community_met", p, TROUBLE, community, "community", "11-02 17:00", "community",
         "11-03 14:00", "met", True, True, None)

    # Only a self-reply and a bot reply: unanswered; 11-03 15:00 < AS_OF -> breached.
    p = post(TROUBLE, CARL, "11-02 15:00")
    post(TROUBLE, CARL, "11-02 15:30", thread=p)
    post(TROUBLE, HELPER, "11-02 15:31", thread=p, bot_id="BHELPER")
    case("slack_self_and_bot_reply", p, TROUBLE, community, "community", None, None,
         "11-03 15:00", "breached", False, False, None)

    # Reactions only (not ✅): no response; 11-03 10:00 + 24 h = 11-04 10:00 < AS_OF -> breached.
    p = post(TROUBLE, DORA, "11-03 10:00", reactions=["eyes", "+1"])
    case("slack_reaction_only", p, TROUBLE, community, "community", None, None,
         "11-04 10:00", "breached", False, False, None)

    # ✅ on the team's reply -> handled; 1 h -> met (deadline 11-04 12:00).
    p = post(TROUBLE, CARL, "11-03 12:00")
    post(TROUBLE, ALICE, "11-03 13:00", thread=p, reactions=["white_check_mark"])
    case("slack_check_on_reply", p, TROUBLE, community, "community", "11-03 13:00", "team",
         "11-04 12:00", "met", True, True, None)

    # No ✅; the team answers after 25 h > 24 h -> breached but answered.
    p = post(TROUBLE, DORA, "11-04 12:00")
    post(TROUBLE, ERIN, "11-05 13:00", thread=p)
    case("slack_no_check_late", p, TROUBLE, community, "community", "11-05 13:00", "team",
         "11-05 12:00", "breached", True, False, None)

    # ballot_box_with_check on an unanswered parent: handled is a state as extracted, and the
    # request is still unanswered; 11-08 13:00 < AS_OF -> breached.
    p = post(TROUBLE, DORA, "11-07 13:00", reactions=["ballot_box_with_check"])
    case("slack_ballot_box_unanswered", p, TROUBLE, community, "community", None, None,
         "11-08 13:00", "breached", False, True, None)

    # A thread_broadcast reply by the community answers the thread (1 h -> met) and is no
    # request of its own, although it is also in the channel history.
    p = post(TROUBLE, CARL, "11-07 12:00")
    post(TROUBLE, DORA, "11-07 13:00", thread=p, subtype="thread_broadcast")
    case("slack_broadcast_reply", p, TROUBLE, community, "community", "11-07 13:00",
         "community", "11-08 12:00", "met", True, False, None)

    # A file_share post is a human question; Erin answers in 30 min -> met.
    p = post(TROUBLE, CARL, "11-07 14:00", "See the log", subtype="file_share")
    post(TROUBLE, ERIN, "11-07 14:30", thread=p)
    case("slack_file_share", p, TROUBLE, community, "community", "11-07 14:30", "team",
         "11-08 14:00", "met", True, False, None)

    # Join / leave / topic subtypes and a team member's own post are not requests.
    for subtype, user, at in (("channel_join", CARL, "11-04 09:00"),
                              ("channel_leave", DORA, "11-04 09:05"),
                              ("channel_topic", ALICE, "11-04 09:10")):
        p = post(TROUBLE, user, at, f"<@{user}> {subtype}", subtype=subtype)
        absent[f"slack_{subtype}"] = f"{TROUBLE}/{p['ts']}"
    p = post(TROUBLE, ALICE, "11-04 14:00", "Office hours today!")
    absent["slack_team_post"] = f"{TROUBLE}/{p['ts']}"

    # Former member (valid_to 2026-06-30) posting in November: a community request.
    p = post(GETTING_STARTED, FRED, "11-05 14:00", "Back as a user: how do I...?")
    post(GETTING_STARTED, ALICE, "11-05 15:00", thread=p)
    case("slack_former_member_post", p, GETTING_STARTED, community, "community", "11-05 15:00",
         "team", "11-06 14:00", "met", True, False, None)

    # Former member's reply after valid_to: a community reply (2 h -> met).
    p = post(GETTING_STARTED, CARL, "11-05 16:00")
    post(GETTING_STARTED, FRED, "11-05 18:00", thread=p)
    case("slack_former_member_reply", p, GETTING_STARTED, community, "community", "11-05 18:00",
         "community", "11-06 16:00", "met", True, False, None)

    # Before valid_from (Nina joins 2026-11-20) a person is community: her post is a request.
    p = post(TROUBLE, NINA, "11-09 12:00")
    post(TROUBLE, ALICE, "11-09 13:00", thread=p)
    case("slack_future_member_post", p, TROUBLE, community, "community", "11-09 13:00", "team",
         "11-10 12:00", "met", True, False, None)

    # A reply from a user missing from users.list counts as community (1 h -> met).
    p = post(TROUBLE, DORA, "11-06 09:00")
    post(TROUBLE, GHOST, "11-06 10:00", thread=p)
    case("slack_unknown_responder", p, TROUBLE, community, "community", "11-06 10:00",
         "community", "11-07 09:00", "met", True, False, None)

    # Unmonitored channel: nothing.
    p = post(RANDOM, CARL, "11-06 12:00")
    post(RANDOM, DORA, "11-06 12:10", thread=p)
    absent["slack_unmonitored"] = f"{RANDOM}/{p['ts']}"

    # DST: Sat 10-31 14:00 UTC (10:00 EDT) + 24 real hours = 11-01 14:00 UTC (09:00 EST).
    # The reply at 14:30 UTC is 24.5 h later -> breached (a wall-clock day would say met).
    p = post(GETTING_STARTED, CARL, "10-31 14:00")
    post(GETTING_STARTED, DORA, "11-01 14:30", thread=p)
    case("slack_dst_24_real_hours", p, GETTING_STARTED, community, "community", "11-01 14:30",
         "community", "11-01 14:00", "breached", True, False, None)

    # Unanswered, deadline 11-11 05:00 after AS_OF (11-10 17:00) -> pending.
    p = post(TROUBLE, DORA, "11-10 05:00")
    case("slack_pending", p, TROUBLE, community, "community", None, None, "11-11 05:00",
         "pending", False, False, None)

    # Engineering group tagged; a community reply at 14:30 does not qualify, Erin's at 16:00
    # does: 2 h -> met (deadline 11-07 14:00).
    p = post(SUPPORT, CARL, "11-06 14:00", f"<!subteam^{ENG_GROUP}|@meltano-engineering> help")
    post(SUPPORT, DORA, "11-06 14:30", thread=p)
    post(SUPPORT, ERIN, "11-06 16:00", thread=p)
    case("escalation_group_tag", p, SUPPORT, escalation, "community", "11-06 16:00", "team",
         "11-07 14:00", "met", True, False, True)

    # SME mentioned (Sid, devrel with sme:dbt): tagged; his reply qualifies, 25 h -> breached.
    p = post(SUPPORT, CARL, "11-06 15:00", f"<@{SID}> is this a dbt bug?")
    post(SUPPORT, SID, "11-07 16:00", thread=p)
    case("escalation_sme_tag", p, SUPPORT, escalation, "community", "11-07 16:00", "team",
         "11-07 15:00", "breached", True, False, True)

    # Sid tagged; Sue (devrel SME, not tagged) replying first does not qualify, Sid's reply
    # 18 h later does -> met (deadline 11-09 16:00).
    p = post(SUPPORT, CARL, "11-08 16:00", f"<@{SID}> dbt snapshots?")
    post(SUPPORT, SUE, "11-08 16:30", thread=p)
    post(SUPPORT, SID, "11-09 10:00", thread=p)
    case("escalation_untagged_sme_reply", p, SUPPORT, escalation, "community", "11-09 10:00",
         "team", "11-09 16:00", "met", True, False, True)

    # <!here> only: not tagged; a devrel (not engineering, not a tagged SME) reply does not
    # qualify -> unanswered, 11-07 16:00 < AS_OF -> breached.
    p = post(SUPPORT, DORA, "11-06 16:00", "<!here> anyone?")
    post(SUPPORT, ALICE, "11-06 16:30", thread=p)
    case("escalation_here_only", p, SUPPORT, escalation, "community", None, None,
         "11-07 16:00", "breached", False, False, False)

    # <!channel> only: not tagged, unanswered; 11-10 12:00 < AS_OF -> breached.
    p = post(SUPPORT, CARL, "11-09 12:00", "<!channel> help")
    case("escalation_channel_only", p, SUPPORT, escalation, "community", None, None,
         "11-10 12:00", "breached", False, False, False)

    # Another group: not tagged; engineering answers in 6 h -> met.
    p = post(SUPPORT, CARL, "11-07 14:00", f"<!subteam^{SALES_GROUP}|@meltano-sales> pricing?")
    post(SUPPORT, ERIN, "11-07 20:00", thread=p)
    case("escalation_other_group", p, SUPPORT, escalation, "community", "11-07 20:00", "team",
         "11-08 14:00", "met", True, False, False)

    # A former SME (Olga, left 2026-06-30) mentioned: not a tag; Erin answers in 1 h -> met.
    p = post(SUPPORT, CARL, "11-09 13:00", f"<@{OLGA}> postgres?")
    post(SUPPORT, ERIN, "11-09 14:00", thread=p)
    case("escalation_former_sme_mention", p, SUPPORT, escalation, "community", "11-09 14:00",
         "team", "11-10 13:00", "met", True, False, False)

    # Group tagged; only a former engineer (Fred) replies: community, not qualifying ->
    # unanswered; 11-09 17:00 < AS_OF -> breached.
    p = post(SUPPORT, DORA, "11-08 17:00", f"<!subteam^{ENG_GROUP}> help")
    post(SUPPORT, FRED, "11-08 17:30", thread=p)
    case("escalation_former_engineer_reply", p, SUPPORT, escalation, "community", None, None,
         "11-09 17:00", "breached", False, False, True)

    # The live-chat integration's post in #support is not a request.
    p = post(SUPPORT, None, "11-07 15:00", "*Visitor*: hi", subtype="bot_message",
             bot_id="BLIVECHAT", username="HubSpot Live Chat")
    absent["escalation_live_chat_bot"] = f"{SUPPORT}/{p['ts']}"

    # A team member's post in #support is an escalation (any human); mentioning a non-SME
    # engineer is not a tag; Erin replies in 1 h -> met.
    p = post(SUPPORT, ALICE, "11-08 14:00", f"<@{ERIN}> can you check this?")
    post(SUPPORT, ERIN, "11-08 15:00", thread=p)
    case("escalation_by_team", p, SUPPORT, escalation, "team", "11-08 15:00", "team",
         "11-09 14:00", "met", True, False, False)


def build_github(ds: Dataset, cases: dict, absent: dict) -> None:
    carl, dora = github_user("carl-gh", 501), github_user("dora-gh", 502)
    alice, erin = github_user("alice-gh", 503), github_user("erin-gh", 504)
    orgonly, fred = github_user("orgonly-dev", 505), github_user("fred-gh", 506)
    collaborator = github_user("collab-gh", 509)
    dependabot = github_user("dependabot[bot]", 507, "Bot")
    renovate = github_user("renovate[bot]", 508, "Bot")
    for repo in ("meltano/meltano", "MeltanoLabs/tap-foo", "MeltanoLabs/target-bar"):
        ds.repo(repo)
    for org in ("meltano", "MeltanoLabs"):
        ds.member(org, erin)
        ds.member(org, orgonly)

    def issue(repo, number, author, at, association="NONE", **kwargs):
        return ds.issue(repo, number, author, utc(at), association, **kwargs)

    def comment(url, user, at, association="NONE"):
        ds.comment(url, user, utc(at), association)

    rule = "github_community_24h"
    # Bot and author comments do not count; an org member missing from the roster does:
    # 2 h -> met (deadline 11-03 14:00).
    url = issue("meltano/meltano", 101, carl, "11-02 14:00")
    comment(url, dependabot, "11-02 14:05")
    comment(url, carl, "11-02 14:10")
    comment(url, orgonly, "11-02 16:00", "MEMBER")
    cases["github_org_member_answers"] = (url, expect(
        rule, "community", "11-02 16:00", "team", "11-03 14:00", "met", True, False,
        None))

    # Only a bot and the author: unanswered, 11-04 14:00 < AS_OF -> breached.
    url = issue("meltano/meltano", 102, dora, "11-03 14:00")
    comment(url, dependabot, "11-03 14:05")
    comment(url, dora, "11-03 15:00")
    cases["github_bot_and_author_only"] = (url, expect(
        rule, "community", None, None, "11-04 14:00", "breached", False, False, None))

    # Roster wins over author_association: Alice (roster) with NONE is team -> no request;
    # Fred (left 2026-06-30) with a stale MEMBER is community -> a request; Erin (roster login
    # "Erin-GH") answers in 2 h -> met.
    absent["github_roster_team_author"] = issue("meltano/meltano", 103, alice, "11-03 15:00")
    url = issue("meltano/meltano", 104, fred, "11-04 14:00", "MEMBER")
    comment(url, erin, "11-04 16:00", "MEMBER")
    cases["github_former_member_author"] = (url, expect(
        rule, "community", "11-04 16:00", "team", "11-05 14:00", "met", True, False, None))

    # An org member not on the roster is team as requester; so is a COLLABORATOR (the
    # author_association fallback); a bot author is never a request.
    absent["github_org_member_author"] = issue(
        "meltano/meltano", 105, orgonly, "11-04 15:00", "MEMBER")
    absent["github_collaborator_author"] = issue(
        "meltano/meltano", 108, collaborator, "11-04 15:10", "COLLABORATOR")
    absent["github_bot_author"] = issue("meltano/meltano", 106, renovate, "11-04 15:30")

    # Alice (roster, not an org member, association NONE) comments exactly 24 h later:
    # response <= deadline -> met.
    url = issue("meltano/meltano", 107, carl, "11-05 14:00")
    comment(url, alice, "11-06 14:00")
    cases["github_answer_at_deadline"] = (url, expect(
        rule, "community", "11-06 14:00", "team", "11-06 14:00", "met", True, False, None))

    # Fred's comment after he left (stale MEMBER, not an org member): community, does not
    # qualify -> unanswered; 11-07 14:00 < AS_OF -> breached.
    url = issue("meltano/meltano", 110, carl, "11-06 14:00")
    comment(url, fred, "11-06 15:00", "MEMBER")
    cases["github_former_member_reply"] = (url, expect(
        rule, "community", None, None, "11-07 14:00", "breached", False, False, None))

    # PR: the author's own review does not count, Erin's review comment at 3 h does -> met.
    url = issue("meltano/meltano", 109, dora, "11-05 15:00", pull=True)
    ds.review(url, dora, utc("11-05 15:10"))
    ds.review_comment(url, erin, utc("11-05 18:00"), "MEMBER")
    cases["github_review_comment"] = (url, expect(
        rule, "community", "11-05 18:00", "team", "11-06 15:00", "met", True, False, None))

    # Singer ecosystem: tracked, no deadline, no_sla even after 48 h.
    url = issue("MeltanoLabs/tap-foo", 7, dora, "11-03 14:00")
    comment(url, erin, "11-05 14:00", "MEMBER")
    cases["github_singer_no_sla"] = (url, expect(
        "github_singer_ecosystem", "community", "11-05 14:00", "team", None, "no_sla", True,
        False, None))

    # MeltanoLabs/target-bar: MeltanoLabs/* (meltano_project) matches before
    # MeltanoLabs/target-* -> 24 h rule; a PR review after 6 h -> met.
    url = issue("MeltanoLabs/target-bar", 9, carl, "11-04 14:00", pull=True)
    ds.review(url, erin, utc("11-04 20:00"), "MEMBER")
    cases["github_first_glob_wins"] = (url, expect(
        rule, "community", "11-04 20:00", "team", "11-05 14:00", "met", True, False, None))


def build_hubspot(ds: Dataset, cases: dict, absent: dict, routing: dict) -> None:
    ds.owner("101", "Alice Devrel", 9001)
    ds.owner("102", "Paula Presales", 9002)

    def ticket(ticket_id, at, source, category, first_agent_reply, **kwargs):
        ds.ticket(ticket_id, utc(at), source=source, category=category,
                  first_agent_reply=utc(first_agent_reply) if first_agent_reply else
                  first_agent_reply, **kwargs)

    def conversation(thread_id, channel, at, assigned, ticket_id, messages):
        ds.thread(thread_id, utc(at), channel_id=channel, assigned_to=assigned,
                  ticket_id=ticket_id)
        for when, actor, direction in messages:
            ds.chat_message(thread_id, utc(when), actor, direction=direction,
                            channel_id=channel)

    # Email Tue 11-03 22:30 EST (11-04 03:30 UTC), 8 business hours: Wed 09:00-17:00 ->
    # due Wed 17:00 EST = 11-04 22:00 UTC; replied Wed 16:00 EST -> met.
    ticket("5001", "11-04 03:30", "EMAIL", "GENERAL_INQUIRY", "11-04 21:00", owner_id="101")
    cases["email_tue_night"] = ("ticket:5001", expect(
        "email_support", "community", "11-04 21:00", "team", "11-04 22:00", "met", True, False,
        None))

    # Email Fri 10-30 16:00 EDT (20:00 UTC), across the DST switch: Fri 16-17 EDT = 1 h,
    # Mon 11-02 09:00-16:00 EST = 7 h -> due 16:00 EST = 21:00 UTC; replied 20:00 UTC -> met.
    ticket("5008", "10-30 20:00", "EMAIL", "PRODUCT_ISSUE", "11-02 20:00", owner_id="101")
    cases["email_friday_across_dst"] = ("ticket:5008", expect(
        "email_support", "community", "11-02 20:00", "team", "11-02 21:00", "met", True, False,
        None))

    # Security, source EMAIL, Fri 11-06 16:00 EST: next business day Mon 11-09 17:00 EST =
    # 22:00 UTC; replied Mon 18:00 EST (23:00 UTC) -> breached. Never also email_support.
    ticket("5002", "11-06 21:00", "EMAIL", "SECURITY_ISSUE", "11-09 23:00", owner_id="101")
    cases["security_friday"] = ("ticket:5002", expect(
        "security_ack", "community", "11-09 23:00", "team", "11-09 22:00", "breached", True,
        False, None))

    # Security from a chat, Thu 11-05 18:00 EST (23:00 UTC) -> Fri 11-06 17:00 EST = 22:00
    # UTC; replied Fri 10:00 EST -> met.
    ticket("5009", "11-05 23:00", "CHAT", "SECURITY_ISSUE", "11-06 15:00", owner_id="101")
    cases["security_thursday_evening_chat"] = ("ticket:5009", expect(
        "security_ack", "community", "11-06 15:00", "team", "11-06 22:00", "met", True, False,
        None))

    # Security received on Labor Day (Mon 09-07 12:00 EDT): next business day Tue 09-08 17:00
    # EDT = 21:00 UTC; no first_agent_reply_date property and no thread -> unanswered, breached.
    ticket("5010", "09-07 16:00", "EMAIL", "SECURITY_ISSUE", None)
    cases["security_on_holiday"] = ("ticket:5010", expect(
        "security_ack", "community", None, None, "09-08 21:00", "breached", False, False, None))

    # Security Sat 09-05 10:00 EDT, Mon 09-07 is Labor Day -> due Tue 09-08 17:00 EDT =
    # 21:00 UTC. first_agent_reply_date "" -> the thread's first OUTGOING A- message, after
    # a B- bot message and an A- COMMENT note: Tue 16:00 EDT = 20:00 UTC -> met.
    ticket("5003", "09-05 14:00", "FORM", "SECURITY_ISSUE", "", owner_id="101", thread_id="6003")
    conversation("6003", EMAIL_CHANNEL, "09-05 14:00", "A-9001", "5003", [
        ("09-05 14:00", "V-777", "INCOMING"),
        ("09-05 14:01", "B-81234", "OUTGOING"),
        ("09-08 13:00", "A-9001", None),
        ("09-08 20:00", "A-9001", "OUTGOING"),
    ])
    cases["security_saturday_before_holiday"] = ("ticket:5003", expect(
        "security_ack", "community", "09-08 20:00", "team", "09-08 21:00", "met", True, False,
        None))

    # Email Mon 11-09 09:00 EST, first_agent_reply_date "": bot at 09:01 and a note at 09:30
    # skipped, Paula's OUTGOING at 11:00 EST (16:00 UTC) counts; due Mon 17:00 EST -> met.
    ticket("5004", "11-09 14:00", "EMAIL", "PRODUCT_ISSUE", "", owner_id="101", thread_id="6004")
    conversation("6004", EMAIL_CHANNEL, "11-09 14:00", "A-9001", "5004", [
        ("11-09 14:00", "V-778", "INCOMING"),
        ("11-09 14:01", "B-81234", "OUTGOING"),
        ("11-09 14:30", "A-9001", None),
        ("11-09 16:00", "A-9002", "OUTGOING"),
    ])
    cases["email_fallback_to_thread"] = ("ticket:5004", expect(
        "email_support", "community", "11-09 16:00", "team", "11-09 22:00", "met", True, False,
        None))

    # Email Tue 11-10 10:00 EST, unanswered: due Wed 10:00 EST (15:00 UTC) > AS_OF -> pending.
    ticket("5007", "11-10 15:00", "EMAIL", "BILLING", "")
    cases["email_pending"] = ("ticket:5007", expect(
        "email_support", "community", None, None, "11-11 15:00", "pending", False, False, None))

    # A FORM ticket that is not a security one is no request.
    ticket("5011", "11-04 15:00", "FORM", "GENERAL_INQUIRY", "11-04 16:00")
    absent["form_ticket"] = "ticket:5011"

    # Live chat Mon 11-09 16:00 EST, 2 business hours: 16-17 Mon + 09-10 Tue -> due Tue 10:00
    # EST = 15:00 UTC; bot and note skipped, Paula's OUTGOING Tue 09:30 EST -> met. Its CHAT
    # ticket (PRE_SALES) is no request of its own; assigned to the presales owner -> correct.
    ticket("5005", "11-09 21:00", "CHAT", "PRE_SALES", "11-10 14:30", owner_id="102",
           thread_id="7001")
    conversation("7001", LIVE_CHAT_CHANNEL, "11-09 21:00", "A-9002", "5005", [
        ("11-09 21:00", "V-779", "INCOMING"),
        ("11-09 21:01", "B-81234", "OUTGOING"),
        ("11-09 21:05", "A-9001", None),
        ("11-10 14:30", "A-9002", "OUTGOING"),
    ])
    cases["live_chat_presales"] = ("thread:7001", expect(
        "live_chat", "community", "11-10 14:30", "team", "11-10 15:00", "met", True, False,
        None))
    absent["chat_ticket"] = "ticket:5005"
    routing["thread:7001"] = (True, True)

    # RFP chat Tue 11-10 09:00 EST assigned to the support owner -> misrouted; unanswered,
    # due 11:00 EST = 16:00 UTC < AS_OF -> breached.
    ticket("5006", "11-10 14:00", "CHAT", "RFP", "", owner_id="101", thread_id="7002")
    conversation("7002", LIVE_CHAT_CHANNEL, "11-10 14:00", "A-9001", "5006", [
        ("11-10 14:00", "V-780", "INCOMING"),
    ])
    cases["live_chat_rfp_misrouted"] = ("thread:7002", expect(
        "live_chat", "community", None, None, "11-10 16:00", "breached", False, False, None))
    routing["thread:7002"] = (True, False)

    # Chat without a ticket, Tue 10:30 EST: not pre-sales, support owner -> correct; due
    # 12:30 EST = 17:30 UTC > AS_OF -> pending.
    conversation("7003", LIVE_CHAT_CHANNEL, "11-10 15:30", "A-9001", None, [
        ("11-10 15:30", "V-781", "INCOMING"),
    ])
    cases["live_chat_no_ticket"] = ("thread:7003", expect(
        "live_chat", "community", None, None, "11-10 17:30", "pending", False, False, None))
    routing["thread:7003"] = (False, True)

    # A security chat Mon 11-09 10:00 EST: the thread is a live chat (due 12:00 EST = 17:00
    # UTC, Alice's OUTGOING at 10:45 EST -> met; not pre-sales, support owner -> correct) and
    # its ticket a security_ack (due Tue 11-10 17:00 EST = 22:00 UTC, the same reply through
    # the empty-date fallback -> met).
    ticket("5012", "11-09 15:00", "CHAT", "SECURITY_ISSUE", "", owner_id="101",
           thread_id="7004")
    conversation("7004", LIVE_CHAT_CHANNEL, "11-09 15:00", "A-9001", "5012", [
        ("11-09 15:00", "V-782", "INCOMING"),
        ("11-09 15:45", "A-9001", "OUTGOING"),
    ])
    cases["live_chat_security"] = ("thread:7004", expect(
        "live_chat", "community", "11-09 15:45", "team", "11-09 17:00", "met", True, False,
        None))
    cases["security_from_live_chat"] = ("ticket:5012", expect(
        "security_ack", "community", "11-09 15:45", "team", "11-10 22:00", "met", True, False,
        None))
    routing["thread:7004"] = (False, True)
# fmt: on


def write_config(config) -> None:
    config.mkdir()
    seeds = PROJECT_ROOT / "transform" / "seeds"
    for name in ("process_rules.csv", "holidays.csv", "settings.csv"):
        shutil.copy(seeds / name, config / name)
    for name, rows in (
        ("team_members.csv", TEAM),
        ("slack_channels.csv", CHANNELS),
        ("github_repo_groups.csv", REPO_GROUPS),
    ):
        write_csv(config / name, REQUIRED_COLUMNS[name], rows)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = tmp_path_factory.mktemp("scenarios")
    ds, cases, absent, routing = Dataset(), {}, {}, {}
    build_slack(ds, cases, absent)
    build_github(ds, cases, absent)
    build_hubspot(ds, cases, absent, routing)
    ds.write(root / "data")
    write_config(root / "config")
    warehouse = root / "warehouse" / "scenarios.duckdb"
    warehouse.parent.mkdir()
    command = [
        str(COVERED),
        "pipeline",
        "--data",
        str(root / "data"),
        "--config",
        str(root / "config"),
        "--as-of",
        AS_OF,
        "--warehouse",
        str(warehouse),
    ]
    completed = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=1800
    )
    if completed.returncode != 0:
        pytest.fail(f"covered pipeline failed:\n{completed.stdout[-4000:]}\n{completed.stderr}")
    with duckdb.connect(
        str(warehouse.with_name("scenarios.published.duckdb")), read_only=True
    ) as con:
        con.execute("set timezone = 'UTC'")
        requests = con.execute(
            f"select source_record_id, {', '.join(COLUMNS)} from marts.fct_support_requests"
        ).fetchall()
        routes = con.execute(
            "select r.source_record_id, c.is_presales, c.is_routed_correctly "
            "from marts.rpt_live_chat_routing as c "
            "inner join marts.fct_support_requests as r on c.request_id = r.request_id"
        ).fetchall()
    rows = {row[0]: dict(zip(COLUMNS, row[1:], strict=True)) for row in requests}
    return cases, absent, routing, rows, {row[0]: tuple(row[1:]) for row in routes}


def _normalized(row: dict) -> dict:
    return {
        column: value.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(value, datetime) else value
        for column, value in row.items()
    }


def test_every_request_matches_the_hand_computed_values(scenario):
    cases, _, _, rows, _ = scenario
    wrong = {
        name: {"expected": expected, "actual": _normalized(rows[record])}
        if record in rows
        else "missing"
        for name, (record, expected) in cases.items()
        if record not in rows or _normalized(rows[record]) != expected
    }
    assert not wrong, "\n".join(f"{name}: {diff}" for name, diff in wrong.items())


def test_non_requests_are_absent(scenario):
    _, absent, _, rows, _ = scenario
    present = {name: record for name, record in absent.items() if record in rows}
    assert not present


def test_no_request_beyond_the_scenarios(scenario):
    cases, _, _, rows, _ = scenario
    expected = {record for record, _ in cases.values()}
    assert set(rows) == expected


def test_live_chat_routing(scenario):
    _, _, routing, _, routes = scenario
    assert routes == routing
