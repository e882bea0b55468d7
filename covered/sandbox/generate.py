"""The deterministic demo dataset: Slack, GitHub and HubSpot data plus the config that fits it.

`generate(out_dir, seed, anchor, scale)` writes the dataset format of the sandbox spec and
`config/` with the six config CSVs. Same arguments, same bytes: randomness comes only from
`random.Random` seeded with the seed, and everything is written in a fixed order.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path

from covered.config import REQUIRED_COLUMNS
from covered.sandbox.gen_common import (
    TIMEZONE,
    WORKDAY_END,
    WORKDAY_START,
    WORKDAYS,
    Calendar,
    seeded,
)
from covered.sandbox.gen_github import GitHubGenerator
from covered.sandbox.gen_hubspot import (
    EMAIL_CHANNEL,
    LIVE_CHAT_CHANNEL,
    PRESALES,
    SECURITY,
    HubSpotGenerator,
)
from covered.sandbox.gen_people import IdMaker, People, make_people
from covered.sandbox.gen_slack import CHANNELS, ENGINEERING_HANDLE, SlackGenerator

DEFAULT_ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)

PROCESS_RULES = (
    (
        "slack_community_24h",
        "calendar_hours",
        "24",
        "Community questions in monitored Slack channels answered within 24 hours",
    ),
    (
        "slack_escalation",
        "calendar_hours",
        "24",
        "Escalations in #support answered by engineering or a tagged SME within 24 hours",
    ),
    (
        "github_community_24h",
        "calendar_hours",
        "24",
        "Community issues and PRs on Meltano projects answered within 24 hours",
    ),
    (
        "github_singer_ecosystem",
        "none",
        "",
        "Community issues and PRs on Singer taps and targets: tracked, no SLA",
    ),
    ("email_support", "business_hours", "8", "support@ tickets answered within one working day"),
    (
        "security_ack",
        "next_business_day",
        "1",
        "security@ reports acknowledged by the end of the next business day",
    ),
    ("live_chat", "business_hours", "2", "Live chats answered by an agent within 2 business hours"),
    (
        "security_update_gap",
        "calendar_hours",
        "168",
        "Open security tickets get an agent update at least every 7 days",
    ),
)
REPO_GROUPS = (
    ("MeltanoLabs/tap-*", "singer_ecosystem"),
    ("MeltanoLabs/target-*", "singer_ecosystem"),
    ("meltano/*", "meltano_project"),
    ("MeltanoLabs/*", "meltano_project"),
)
DOCS_KEYWORDS = ("docs", "documentation", "docs.meltano.com")
CHECK_TIMES = ("09:00", "17:00")


def _validate(scale: float, anchor: datetime) -> None:
    if isinstance(scale, bool) or not isinstance(scale, int | float):
        raise ValueError(f"scale must be a number, got {scale!r}")
    if not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale}")
    if not isinstance(anchor, datetime) or anchor.utcoffset() is None:
        raise ValueError(f"anchor must be a timezone-aware datetime, got {anchor!r}")


def generate(
    out_dir: str | Path, seed: int = 42, anchor: datetime = DEFAULT_ANCHOR, scale: float = 1.0
) -> dict[str, int]:
    """Write the demo dataset to out_dir; returns the number of objects per collection."""
    _validate(scale, anchor)
    out = Path(out_dir)
    cal = Calendar(anchor.astimezone(UTC))
    # One stream per concern, so that changing one source leaves the others' bytes alone.
    ids = IdMaker(seeded(seed, "ids"))
    people = make_people(seeded(seed, "people"), ids, cal, scale)

    github = GitHubGenerator(seeded(seed, "github"), ids, cal, people)
    counts = github.generate(out / "github", scale)
    hubspot = HubSpotGenerator(seeded(seed, "hubspot"), ids, cal, people)
    counts |= hubspot.generate(out / "hubspot", scale)
    slack = SlackGenerator(seeded(seed, "slack"), ids, cal, people)
    counts |= slack.generate(out / "slack", scale, github.links, hubspot.chats_for_slack)
    counts |= write_config(out / "config", cal, people)
    return counts


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_config(directory: Path, cal: Calendar, people: People) -> dict[str, int]:
    """The six config CSVs of the metrics spec, naming the generated people and ids."""
    directory.mkdir(parents=True, exist_ok=True)
    team = [
        (
            m.person,
            m.role,
            m.slack_id,
            m.github_login or "",
            m.hubspot_owner_id or "",
            ";".join(m.duties),
            m.valid_from.isoformat(),
            m.valid_to.isoformat() if m.valid_to else "",
        )
        for m in people.team
    ]
    files = {
        "team_members": (REQUIRED_COLUMNS["team_members.csv"], team),
        "process_rules": (REQUIRED_COLUMNS["process_rules.csv"], list(PROCESS_RULES)),
        "slack_channels": (
            REQUIRED_COLUMNS["slack_channels.csv"],
            [(name, rule) for name, rule, _, _ in CHANNELS if rule],
        ),
        "github_repo_groups": (REQUIRED_COLUMNS["github_repo_groups.csv"], list(REPO_GROUPS)),
        "holidays": (
            REQUIRED_COLUMNS["holidays.csv"],
            [(d.isoformat(), name) for d, name in cal.holidays],
        ),
        "settings": (
            REQUIRED_COLUMNS["settings.csv"],
            [
                (
                    TIMEZONE,
                    WORKDAY_START.strftime("%H:%M"),
                    WORKDAY_END.strftime("%H:%M"),
                    ";".join(WORKDAYS),
                    ";".join(CHECK_TIMES),
                    ENGINEERING_HANDLE,
                    SECURITY,
                    ";".join(PRESALES),
                    LIVE_CHAT_CHANNEL,
                    EMAIL_CHANNEL,
                    ";".join(DOCS_KEYWORDS),
                )
            ],
        ),
    }
    counts = {}
    for name, (header, rows) in files.items():
        _write_csv(directory / f"{name}.csv", header, rows)
        counts[f"config/{name}"] = len(rows)
    return counts
