"""Shared pieces of the demo-dataset generator: calendar, timestamps, streaming JSON output.

Everything here is deterministic: no wall clock, no hash ordering, randomness only through the
`random.Random` instances the caller passes in.
"""

from __future__ import annotations

import json
import math
import random
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

# The team's working calendar. The generator writes these values into settings.csv, so the
# simulated office hours and the configured ones agree.
TIMEZONE = "America/New_York"
WORKDAY_START = time(9, 0)
WORKDAY_END = time(17, 0)
WORKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
DAY_SECONDS = 86_400
HOUR = 3_600.0


def seeded(seed: int, part: str) -> random.Random:
    """The random stream of one part of the dataset; a string seed is hashed stably (SHA-512)."""
    return random.Random(f"{seed}:{part}")  # noqa: S311 - reproducible demo data, not secrets


def dump(obj: object) -> str:
    """The one JSON encoding used for every dataset file (byte-stable)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class JsonArrayWriter:
    """Writes a JSON array one object at a time, so big collections never sit in memory."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("w", encoding="utf-8", newline="\n")
        self._file.write("[")
        self.count = 0

    def write(self, obj: dict) -> None:
        self._file.write("\n" if self.count == 0 else ",\n")
        self._file.write(dump(obj))
        self.count += 1

    def close(self) -> None:
        self._file.write("\n]\n" if self.count else "]\n")
        self._file.close()


class Writers:
    """One JsonArrayWriter per collection of a source directory, closed together."""

    def __init__(self, directory: Path, names: list[str]):
        self.prefix = directory.name
        self._by_name = {name: JsonArrayWriter(directory / f"{name}.json") for name in names}

    def __getitem__(self, name: str) -> JsonArrayWriter:
        return self._by_name[name]

    def close(self) -> dict[str, int]:
        counts = {}
        for name, writer in self._by_name.items():
            writer.close()
            counts[f"{self.prefix}/{name}"] = writer.count
        return counts


# ---- timestamps in each vendor's encoding -------------------------------------------------


def iso_z(epoch: float) -> str:
    """GitHub: ISO 8601, whole seconds, Z."""
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(epoch: float) -> str:
    """HubSpot: ISO 8601 with milliseconds, Z."""
    ms = round(epoch * 1000)
    stamp = datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{ms % 1000:03d}Z"


# ---- holidays -------------------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """n-th (1-based; -1 = last) given weekday of a month."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    """US rule: a Saturday holiday is observed on Friday, a Sunday one on Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def us_holidays(first_year: int, last_year: int) -> list[tuple[date, str]]:
    """The company's US holidays (observed dates) falling in [first_year, last_year]."""
    out = []
    for year in range(first_year - 1, last_year + 2):
        thanksgiving = _nth_weekday(year, 11, 3, 4)
        days = [
            (_observed(date(year, 1, 1)), "New Year's Day"),
            (_nth_weekday(year, 1, 0, 3), "Martin Luther King Jr. Day"),
            (_nth_weekday(year, 2, 0, 3), "Presidents' Day"),
            (_nth_weekday(year, 5, 0, -1), "Memorial Day"),
            (_observed(date(year, 6, 19)), "Juneteenth"),
            (_observed(date(year, 7, 4)), "Independence Day"),
            (_nth_weekday(year, 9, 0, 1), "Labor Day"),
            (thanksgiving, "Thanksgiving Day"),
            (thanksgiving + timedelta(days=1), "Day after Thanksgiving"),
            (_observed(date(year, 12, 25)), "Christmas Day"),
        ]
        out += [(d, name) for d, name in days if first_year <= d.year <= last_year]
    return sorted(out)


# ---- the calendar arrivals and responses follow ---------------------------------------------


@dataclass
class Calendar:
    """One year ending at the anchor, in the team's time zone, with its holidays."""

    anchor: datetime
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(TIMEZONE))

    def __post_init__(self) -> None:
        self.end = self.anchor.timestamp()
        self.start = self.end - 365 * DAY_SECONDS
        first = datetime.fromtimestamp(self.start, self.tz).date()
        last = datetime.fromtimestamp(self.end, self.tz).date()
        self.holidays = us_holidays(first.year, last.year + 1)
        self.holiday_dates = {d for d, _ in self.holidays}
        self.days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        # Quiet weekends and holidays: a fifth of a working day's traffic.
        weights = [1.0 if self.is_workday(d) else 0.2 for d in self.days]
        self._cum = list(accumulate(weights))
        self.dst_switches = self._dst_switches()

    def is_workday(self, day: date) -> bool:
        return day.weekday() < len(WORKDAYS) and day not in self.holiday_dates

    def local(self, epoch: float) -> datetime:
        return datetime.fromtimestamp(epoch, self.tz)

    def at(self, day: date, seconds: float) -> float:
        """Epoch of a local wall-clock time (seconds after local midnight) on a day."""
        seconds = int(seconds)
        wall = datetime.combine(day, time(seconds // 3600, seconds % 3600 // 60, seconds % 60))
        return wall.replace(tzinfo=self.tz).timestamp()

    def in_window(self, epoch: float) -> bool:
        return self.start <= epoch < self.end

    def arrival(self, rng: random.Random, office_share: float = 0.75) -> float:
        """A creation time: weekdays in office hours mostly, the rest around the clock."""
        while True:
            day = self.days[bisect_left(self._cum, rng.random() * self._cum[-1])]
            if self.is_workday(day) and rng.random() < office_share:
                # Peaks late morning and early afternoon.
                hour = min(max(rng.gauss(12.5, 2.2), 8.0), 18.5)
                epoch = self.at(day, hour * 3600)
            else:
                epoch = self.at(day, rng.random() * DAY_SECONDS)
            if self.in_window(epoch):
                return epoch

    def is_business(self, epoch: float) -> bool:
        wall = self.local(epoch)
        return self.is_workday(wall.date()) and WORKDAY_START <= wall.time() < WORKDAY_END

    def next_open(self, epoch: float) -> float:
        """The first business instant at or after epoch."""
        wall = self.local(epoch)
        day = wall.date()
        if self.is_workday(day) and wall.time() < WORKDAY_END:
            return max(epoch, self.at(day, WORKDAY_START.hour * 3600))
        day += timedelta(days=1)
        while not self.is_workday(day):
            day += timedelta(days=1)
        return self.at(day, WORKDAY_START.hour * 3600)

    def reply_time(
        self, rng: random.Random, after: float, median_hours: float, office: bool, sigma=1.2
    ) -> float:
        """A response delay with a long tail; staff answer within office hours."""
        epoch = after + max(120.0, rng.lognormvariate(math.log(median_hours * HOUR), sigma))
        if office and not self.is_business(epoch):
            epoch = self.next_open(epoch) + rng.expovariate(1 / 2400)
        return epoch

    def _dst_switches(self) -> list[float]:
        """UTC instants in the window where the team's UTC offset changes."""
        out = []
        for day in self.days:
            noon = self.at(day, 12 * 3600)
            before = self.local(noon - DAY_SECONDS).utcoffset()
            if self.local(noon).utcoffset() != before:
                probe = noon - DAY_SECONDS
                while self.local(probe).utcoffset() == before:
                    probe += 1800
                if self.in_window(probe):
                    out.append(probe)
        return out

    def weekday_at(self, weekday: int, seconds: float, weeks_back: int) -> float:
        """Local time on the given weekday, `weeks_back` weeks before the anchor week."""
        last = self.days[-1] - timedelta(days=7 * weeks_back)
        day = last - timedelta(days=(last.weekday() - weekday) % 7)
        return self.at(day, seconds)

    def saturday_before_holiday_monday(self) -> float | None:
        """A Saturday noon followed by a Monday holiday (Sat -> Tue 17:00 acknowledgement)."""
        for day in reversed(self.days):
            if day.weekday() == 0 and day in self.holiday_dates:
                epoch = self.at(day - timedelta(days=2), 12 * 3600)
                if self.in_window(epoch):
                    return epoch
        return None
