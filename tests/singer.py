"""Reading what a Singer tap wrote to stdout, for the tap tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from covered.sandbox.server import start


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


def write_dataset(root: Path, vendor: str, data: dict[str, list[dict]]) -> Path:
    """Write one vendor's collections (`{"messages": [...], ...}`) as a sandbox dataset."""
    (root / vendor).mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        (root / vendor / f"{name}.json").write_text(json.dumps(rows))
    return root


@contextmanager
def sandboxes(root: Path, vendor: str, default_data: Callable[[], dict[str, list[dict]]]):
    """Yield a factory of sandboxes, each serving a dataset (the default one unless given),
    optionally with fault rules; every sandbox it started is stopped on exit."""
    servers = []

    def make(data=None, faults=None):
        data_dir = write_dataset(root / f"data{len(servers)}", vendor, data or default_data())
        server = start(data_dir, port=0, faults=faults)
        servers.append(server)
        return server, data_dir

    try:
        yield make
    finally:
        for server in servers:
            server.stop()
