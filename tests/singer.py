"""Reading what a Singer tap wrote to stdout, for the tap tests."""

from __future__ import annotations

import json


def parse_singer_output(stdout: str) -> tuple[dict[str, list[dict]], dict | None]:
    """The records per stream, and the last STATE value, of a tap's stdout."""
    records: dict[str, list[dict]] = {}
    final_state = None
    for line in stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"])
        elif message["type"] == "STATE":
            final_state = message["value"]
    return records, final_state
