"""Fault injection over real HTTP: each kind really breaks the response the way it says."""

from __future__ import annotations

import http.client
import json
import time
from pathlib import Path

import pytest

from covered.sandbox.errors import SandboxError
from covered.sandbox.faults import load_faults
from covered.sandbox.server import start

# One repository is all the data these tests need: its listings answer [] and Slack's auth.test
# needs no data.
REPO = {"id": 1, "name": "alpha", "owner": {"login": "acme"}, "created_at": "2026-01-01T00:00:00Z"}
TOKEN = {"Authorization": "Bearer xoxb-test"}


def request(url: str, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One request on a fresh connection: (status, headers, body); raises if the body breaks."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.headers), response.read()
    finally:
        connection.close()


def statuses(sandbox, path: str, count: int) -> list[int]:
    return [request(sandbox.url, path)[0] for _ in range(count)]


@pytest.fixture
def serve(tmp_path):
    (tmp_path / "github").mkdir()
    (tmp_path / "github" / "repos.json").write_text(json.dumps([REPO]))
    servers = []

    def _serve(rules):
        servers.append(start(tmp_path, faults=rules))
        return servers[-1]

    yield _serve
    for server in servers:
        server.stop()


def test_first_n_then_success_with_retry_after(serve):
    sandbox = serve(
        [{"path": "/repos/*/issues", "kind": "status", "status": 429, "retry_after": 2, "first": 2}]
    )
    first = request(sandbox.url, "/github/repos/acme/alpha/issues")
    assert first[0] == 429 and first[1]["Retry-After"] == "2"
    assert json.loads(first[2])["message"]
    assert statuses(sandbox, "/github/repos/acme/alpha/issues", 3) == [429, 200, 200]
    # The glob is on the vendor path: other paths and the other APIs are untouched.
    assert statuses(sandbox, "/github/repos/acme/alpha/issues/comments", 1) == [200]


def test_rate_is_seeded_and_deterministic(serve):
    rule = {"path": "/orgs/*", "kind": "status", "status": 503, "rate": 0.5}
    runs = [statuses(serve([rule]), "/github/orgs/acme/teams", 30) for _ in range(2)]
    assert runs[0] == runs[1]
    assert {503, 200} == set(runs[0])
    reseeded = statuses(serve([{**rule, "seed": 7}]), "/github/orgs/acme/teams", 30)
    assert reseeded != runs[0]


def test_truncate_sends_half_a_body_with_the_full_length(serve):
    sandbox = serve([{"path": "/auth.test", "kind": "truncate", "first": 1}])
    with pytest.raises(http.client.IncompleteRead) as caught:
        request(sandbox.url, "/slack/api/auth.test", TOKEN)
    partial, missing = caught.value.partial, caught.value.expected
    assert partial and missing >= len(partial)
    with pytest.raises(json.JSONDecodeError):
        json.loads(partial)
    status, _, body = request(sandbox.url, "/slack/api/auth.test", TOKEN)
    assert status == 200 and json.loads(body)["ok"] is True


def test_drop_closes_without_a_response(serve):
    sandbox = serve([{"path": "*", "kind": "drop", "api": "hubspot"}])
    for _ in range(2):  # no first/rate: every matching request
        with pytest.raises(http.client.RemoteDisconnected):
            request(sandbox.url, "/hubspot/crm/v3/owners", TOKEN)
    assert statuses(sandbox, "/github/orgs/acme/teams", 1) == [200]  # `api` limits the rule


def test_slow_really_delays(serve):
    sandbox = serve([{"path": "/crm/*", "kind": "slow", "seconds": 0.6, "first": 1}])
    timings = []
    for _ in range(2):
        started = time.monotonic()
        status, _, _ = request(sandbox.url, "/hubspot/crm/v3/owners", TOKEN)
        timings.append(time.monotonic() - started)
        assert status == 200
    assert timings[0] >= 0.6 > timings[1]


def test_slack_errors(serve):
    sandbox = serve(
        [
            {"path": "/auth.test", "kind": "slack_error", "error": "ratelimited", "first": 1},
            {"path": "/auth.test", "kind": "slack_error", "error": "fatal_error", "first": 1},
        ]
    )
    status, headers, body = request(sandbox.url, "/slack/api/auth.test", TOKEN)
    assert (status, headers["Retry-After"], json.loads(body)) == (
        429,
        "1",
        {"ok": False, "error": "ratelimited"},
    )
    status, _, body = request(sandbox.url, "/slack/api/auth.test", TOKEN)
    assert (status, json.loads(body)) == (200, {"ok": False, "error": "fatal_error"})
    assert json.loads(request(sandbox.url, "/slack/api/auth.test", TOKEN)[2])["ok"] is True


def test_faulted_requests_are_counted(serve):
    sandbox = serve([{"path": "/orgs/*", "kind": "status", "status": 500, "first": 1}])
    statuses(sandbox, "/github/orgs/acme/teams", 2)
    assert sandbox.stats()["requests"] == {"/github GET /orgs/{org}/teams": 2}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "invalid JSON"),
        ('{"path": "/x"}', "expected a JSON array"),
        ('[{"path": "/x", "kind": "explode"}]', "rule 0: 'kind' must be one of"),
        ('[{"path": "/x", "kind": "status"}]', "needs 'status'"),
        ('[{"path": "/x", "kind": "status", "status": 200}]', "'status' must be an integer >= 400"),
        ('[{"path": "/x", "kind": "slow", "seconds": -1}]', "'seconds' must be a number >= 0"),
        ('[{"path": "/x", "kind": "drop", "rate": 1.5}]', "between 0 and 1"),
        ('[{"path": "/x", "kind": "drop", "first": 0}]', "'first' must be an integer >= 1"),
        ('[{"path": "/x", "kind": "drop", "first": 1, "rate": 0.5}]', "not both"),
        ('[{"path": "/x", "kind": "truncate", "seconds": 1}]', "unknown key(s)"),
        ('[{"kind": "drop"}]', "'path' must be a glob"),
        ('[{"path": "/x", "kind": "slack_error"}]', "needs a non-empty 'error'"),
    ],
)
def test_bad_faults_file_is_one_line(tmp_path: Path, content, problem):
    faults = tmp_path / "faults.json"
    faults.write_text(content)
    with pytest.raises(SandboxError) as caught:
        load_faults(faults)
    message = str(caught.value)
    assert str(faults) in message and problem in message and "\n" not in message
