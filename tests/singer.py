"""What the tap tests share: reading a tap's stdout, sandbox datasets and servers, and the
Singer SDK's own tap tests against a sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

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


def sdk_tap_tests(
    tap_class: type,
    config: dict,
    vendor: str,
    api_prefix: str,
    default_data: Callable[[], dict[str, list[dict]]],
) -> type:
    """The Singer SDK's own tests of tap_class, run against a sandbox serving default_data.

    The SDK reads `config` when its tests run, so its api_url is filled in once the sandbox
    has started.
    """
    sdk_config = dict(config)
    base = get_tap_test_class(
        tap_class, config=sdk_config, suite_config=SuiteConfig(max_records_limit=None)
    )

    class SandboxedSDKTests(base):
        @pytest.fixture(scope="class", autouse=True)
        @classmethod
        def sandbox_api(cls, tmp_path_factory):
            data_dir = write_dataset(tmp_path_factory.mktemp("sdk"), vendor, default_data())
            server = start(data_dir, port=0)
            sdk_config["api_url"] = f"{server.url}{api_prefix}"
            yield
            server.stop()

    return SandboxedSDKTests
