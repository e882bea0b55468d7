"""Validate a config directory (the seeds, or a `--config DIR` replacing them) before a run.

A mistake in config should stop the run before any data is fetched, with one line that names
the file, the row and the problem, instead of surfacing later as a dbt error or, worse, as
quietly wrong numbers.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_CONFIG_DIR = Path(__file__).resolve().parent.parent / "transform" / "seeds"

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "team_members.csv": (
        "person",
        "role",
        "slack_user_id",
        "github_login",
        "hubspot_owner_id",
        "duties",
        "valid_from",
        "valid_to",
    ),
    "process_rules.csv": ("rule_id", "target_kind", "target_value", "description"),
    "slack_channels.csv": ("channel_name", "rule_id"),
    "github_repo_groups.csv": ("repo_pattern", "repo_group"),
    "holidays.csv": ("holiday_date", "name"),
    "settings.csv": (
        "timezone",
        "workday_start",
        "workday_end",
        "workdays",
        "check_times",
        "escalation_group_handle",
        "security_category",
        "presales_categories",
        "live_chat_channel_id",
        "email_channel_id",
        "docs_keywords",
    ),
}
ROLES = {"devrel", "engineering", "sales", "staff"}
TARGET_KINDS = {"calendar_hours", "business_hours", "business_days", "next_business_day", "none"}
REPO_GROUPS = {"meltano_project", "singer_ecosystem"}
WEEKDAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
DUTY = re.compile(r"^(live_chat_owner|presales_owner|sme:[\w.-]+)$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ConfigError(Exception):
    """A config file is wrong; the message names the file, the row and the problem."""


@dataclass(frozen=True)
class _Table:
    path: Path
    rows: list[dict[str, str]]

    def fail(self, row_number: int | None, problem: str) -> ConfigError:
        where = f"{self.path}" if row_number is None else f"{self.path} row {row_number}"
        return ConfigError(f"{where}: {problem}")


def _read(config_dir: Path, name: str) -> _Table:
    path = config_dir / name
    if not path.is_file():
        raise ConfigError(f"{path}: missing (every config directory needs {name})")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [column for column in REQUIRED_COLUMNS[name] if column not in header]
        if missing:
            raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}")
        rows = []
        for number, row in enumerate(reader, start=1):
            if None in row:
                raise ConfigError(f"{path} row {number}: more fields than the header has")
            rows.append({key: (value or "").strip() for key, value in row.items()})
    return _Table(path, rows)


def _date(table: _Table, row_number: int, column: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise table.fail(row_number, f"{column} {value!r} is not a date (YYYY-MM-DD)") from None


def _known_rule_ids() -> set[str]:
    """The rules the models implement are the ones the default seeds define."""
    with (DEFAULT_CONFIG_DIR / "process_rules.csv").open(newline="", encoding="utf-8") as handle:
        return {row["rule_id"] for row in csv.DictReader(handle)}


def validate_config_dir(config_dir: Path) -> None:
    """Raise ConfigError on the first problem found in the six config files."""
    if not config_dir.is_dir():
        raise ConfigError(f"{config_dir}: not a directory")
    tables = {name: _read(config_dir, name) for name in REQUIRED_COLUMNS}
    _check_settings(tables["settings.csv"])
    rule_ids = _check_rules(tables["process_rules.csv"])
    _check_channels(tables["slack_channels.csv"], rule_ids)
    _check_repo_groups(tables["github_repo_groups.csv"])
    _check_holidays(tables["holidays.csv"])
    _check_team(tables["team_members.csv"])


def _check_settings(table: _Table) -> None:
    if len(table.rows) != 1:
        raise table.fail(None, f"must have exactly one row, has {len(table.rows)}")
    settings = table.rows[0]
    try:
        ZoneInfo(settings["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise table.fail(1, f"unknown time zone {settings['timezone']!r}") from None
    for column in ("workday_start", "workday_end"):
        if not CLOCK.match(settings[column]):
            raise table.fail(1, f"{column} {settings[column]!r} is not HH:MM")
    if settings["workday_start"] >= settings["workday_end"]:
        raise table.fail(1, "workday_start must be before workday_end")
    for time_of_day in settings["check_times"].split(";"):
        if not CLOCK.match(time_of_day):
            raise table.fail(1, f"check_times entry {time_of_day!r} is not HH:MM")
    unknown_days = set(settings["workdays"].split(";")) - WEEKDAYS
    if unknown_days:
        raise table.fail(1, f"workdays has unknown day(s) {sorted(unknown_days)}")


def _check_rules(table: _Table) -> set[str]:
    known = _known_rule_ids()
    seen: set[str] = set()
    for number, row in enumerate(table.rows, start=1):
        rule_id = row["rule_id"]
        if rule_id not in known:
            raise table.fail(number, f"unknown rule_id {rule_id!r} (known: {sorted(known)})")
        if rule_id in seen:
            raise table.fail(number, f"rule_id {rule_id!r} appears twice")
        seen.add(rule_id)
        if row["target_kind"] not in TARGET_KINDS:
            raise table.fail(number, f"target_kind {row['target_kind']!r} not in {TARGET_KINDS}")
        if row["target_kind"] != "none":
            try:
                if float(row["target_value"]) <= 0:
                    raise ValueError
            except ValueError:
                raise table.fail(
                    number, f"target_value {row['target_value']!r} must be a positive number"
                ) from None
    missing = known - seen
    if missing:
        raise table.fail(None, f"rule(s) {sorted(missing)} missing")
    return seen


def _check_channels(table: _Table, rule_ids: set[str]) -> None:
    for number, row in enumerate(table.rows, start=1):
        if row["channel_name"].startswith("#") or not row["channel_name"]:
            raise table.fail(number, "channel_name must be a bare name without '#'")
        if row["rule_id"] not in rule_ids:
            raise table.fail(number, f"unknown rule_id {row['rule_id']!r}")


def _check_repo_groups(table: _Table) -> None:
    for number, row in enumerate(table.rows, start=1):
        if row["repo_group"] not in REPO_GROUPS:
            raise table.fail(number, f"repo_group {row['repo_group']!r} not in {REPO_GROUPS}")
        if "/" not in row["repo_pattern"]:
            raise table.fail(number, f"repo_pattern {row['repo_pattern']!r} is not owner/name")


def _check_holidays(table: _Table) -> None:
    for number, row in enumerate(table.rows, start=1):
        _date(table, number, "holiday_date", row["holiday_date"])


def _check_team(table: _Table) -> None:
    windows: dict[str, list[tuple[date, date | None, int]]] = {}
    for number, row in enumerate(table.rows, start=1):
        if not row["person"]:
            raise table.fail(number, "person is empty")
        if row["role"] not in ROLES:
            raise table.fail(number, f"role {row['role']!r} not in {sorted(ROLES)}")
        for duty in filter(None, row["duties"].split(";")):
            if not DUTY.match(duty):
                raise table.fail(number, f"unknown duty {duty!r}")
        valid_from = _date(table, number, "valid_from", row["valid_from"])
        valid_to = _date(table, number, "valid_to", row["valid_to"]) if row["valid_to"] else None
        if valid_to is not None and valid_to < valid_from:
            raise table.fail(number, "valid_to is before valid_from")
        for other_from, other_to, other_number in windows.get(row["person"], []):
            if (valid_to is None or other_from <= valid_to) and (
                other_to is None or valid_from <= other_to
            ):
                raise table.fail(
                    number,
                    f"validity window of {row['person']!r} overlaps row {other_number}",
                )
        windows.setdefault(row["person"], []).append((valid_from, valid_to, number))
