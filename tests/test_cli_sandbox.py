"""`covered sandbox generate|serve`, run as the real console script in a subprocess."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from covered.sandbox.server import start

COVERED = Path(sys.executable).with_name("covered")


def covered(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [COVERED, *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


def assert_one_line_error(completed: subprocess.CompletedProcess, *needles: str) -> None:
    assert completed.returncode != 0
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith("covered: error: ")
    for needle in needles:
        assert needle in lines[0]


def test_serve_refuses_a_bad_dataset_file(tmp_path):
    (tmp_path / "github").mkdir()
    (tmp_path / "github" / "issues.json").write_text('{"not": "an array"}')
    completed = covered("sandbox", "serve", "--data", tmp_path, "--port", "0")
    assert_one_line_error(completed, "github/issues.json", "expected a JSON array")
    assert completed.returncode == 1


def test_serve_refuses_a_bad_faults_file(tmp_path):
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps([{"path": "/x", "kind": "status", "status": "429"}]))
    completed = covered("sandbox", "serve", "--data", tmp_path, "--port", "0", "--faults", faults)
    assert_one_line_error(completed, str(faults), "'status' must be an integer")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--host", "0.0.0.0"], "only listens on loopback"),  # noqa: S104
        (["--port", "99999"], "port must be an integer"),
        (["--data", "/nonexistent/dataset"], "dataset directory not found"),
    ],
)
def test_serve_argument_errors(tmp_path, args, needle):
    completed = covered("sandbox", "serve", "--data", tmp_path, "--port", "0", *args)
    assert_one_line_error(completed, needle)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_the_url_serves_and_exits_cleanly(tmp_path, signum):
    (tmp_path / "slack").mkdir()
    (tmp_path / "slack" / "users.json").write_text(json.dumps([{"id": "U1", "name": "ann"}]))
    process = subprocess.Popen(
        [COVERED, "sandbox", "serve", "--data", tmp_path, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        url = first.split(" at ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        request = urllib.request.Request(
            f"{url}/slack/api/users.list", headers={"Authorization": "Bearer x"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["members"] == [{"id": "U1", "name": "ann"}]
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert stderr == ""
    assert "sandbox stopped" in stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--scale", "0"], "scale must be a positive number"),
        (["--scale", "-2"], "scale must be a positive number"),
        (["--scale", "nan"], "scale must be a positive number"),
        (["--scale", "lots"], "scale must be a number"),
        (["--anchor", "yesterday"], "not an ISO 8601 date-time"),
        (["--seed", "x"], "--seed"),
    ],
)
def test_generate_rejects_bad_arguments(tmp_path, args, needle):
    completed = covered("sandbox", "generate", "--out", tmp_path / "out", *args)
    assert_one_line_error(completed, needle)
    assert completed.returncode == 2
    assert not (tmp_path / "out").exists()


def test_generate_writes_a_dataset_the_server_loads(tmp_path):
    out = tmp_path / "dataset"
    completed = covered(
        "sandbox",
        "generate",
        "--out",
        out,
        "--seed",
        "3",
        "--scale",
        "0.02",
        "--anchor",
        "2026-06-01T00:00:00Z",
    )
    assert completed.returncode == 0, completed.stderr
    with start(out) as sandbox:
        users = json.loads((out / "slack" / "users.json").read_text())
        request = urllib.request.Request(
            f"{sandbox.url}/slack/api/users.list?limit=1000", headers={"Authorization": "Bearer x"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["members"] == users


def test_no_command_is_a_one_line_usage_error():
    completed = covered()
    assert_one_line_error(completed, "required")
    assert completed.returncode == 2
