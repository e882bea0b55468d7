"""Bad config stops a run before any data is fetched, with a line naming the file and problem."""

from __future__ import annotations

import csv
import shutil
import subprocess

import pytest

from covered.config import DEFAULT_CONFIG_DIR, ConfigError, validate_config_dir
from tests.conftest import COVERED, PROJECT_ROOT


@pytest.fixture
def config_dir(tmp_path):
    target = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, target, ignore=shutil.ignore_patterns("*.yml"))
    return target


def rewrite(path, change):
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames), list(reader)
    header, rows = change(header, rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def test_default_seeds_are_valid():
    validate_config_dir(DEFAULT_CONFIG_DIR)


def drop_column(column):
    def change(header, rows):
        return [h for h in header if h != column], [
            {k: v for k, v in row.items() if k != column} for row in rows
        ]

    return change


def set_value(column, value, row_index=0):
    def change(header, rows):
        rows[row_index][column] = value
        return header, rows

    return change


def duplicate_person_window(header, rows):
    person = next(row for row in rows if not row["valid_to"])
    overlapping = dict(person, valid_from=person["valid_from"], valid_to="")
    return header, [*rows, overlapping]


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        ("team_members.csv", drop_column("valid_to"), "missing column(s) valid_to"),
        ("settings.csv", set_value("timezone", "Mars/Olympus_Mons"), "unknown time zone"),
        ("process_rules.csv", set_value("rule_id", "slack_48h"), "unknown rule_id 'slack_48h'"),
        ("slack_channels.csv", set_value("rule_id", "nope"), "unknown rule_id 'nope'"),
        ("slack_channels.csv", set_value("channel_name", "#support"), "without '#'"),
        ("team_members.csv", duplicate_person_window, "overlaps row"),
        ("team_members.csv", set_value("role", "wizard"), "role 'wizard'"),
        ("holidays.csv", set_value("holiday_date", "2026-13-01"), "is not a date"),
        ("process_rules.csv", set_value("target_kind", "fortnights"), "target_kind"),
        ("settings.csv", set_value("check_times", "9am"), "is not HH:MM"),
    ],
)
def test_bad_config_names_file_and_problem(config_dir, file, change, expected):
    rewrite(config_dir / file, change)
    with pytest.raises(ConfigError) as raised:
        validate_config_dir(config_dir)
    assert file in str(raised.value)
    assert expected in str(raised.value)


def test_missing_file_is_named(config_dir):
    (config_dir / "holidays.csv").unlink()
    with pytest.raises(ConfigError, match=r"holidays\.csv: missing"):
        validate_config_dir(config_dir)


def test_pipeline_refuses_bad_config_before_fetching(config_dir, tmp_path):
    rewrite(config_dir / "settings.csv", set_value("timezone", "Nowhere/Land"))
    data = tmp_path / "data"
    data.mkdir()
    completed = subprocess.run(
        [
            str(COVERED),
            "pipeline",
            "--data",
            str(data),
            "--config",
            str(config_dir),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode != 0
    error_lines = completed.stderr.strip().splitlines()
    assert len(error_lines) == 1, completed.stderr
    assert "settings.csv" in error_lines[0] and "Nowhere/Land" in error_lines[0]
    assert "Traceback" not in completed.stderr
    # Nothing was fetched or written.
    assert not (tmp_path / "w.duckdb").exists()
