"""tap-covered-github against the sandbox over real HTTP: unchanged pull requests stay unread."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from covered.sandbox.generate import generate
from covered.sandbox.server import start
from tests.singer import parse_singer_output

TAP = Path(sys.executable).parent / "tap-covered-github"
SELECTED = {"repositories", "pull_requests", "reviews"}
REVIEWS_ROUTE = "/github GET /repos/{owner}/{repo}/pulls/{number}/reviews"


def run_tap(tmp_path: Path, config: dict, catalog: dict | None, state: dict | None = None):
    """Run the real executable; return (records by stream, final state)."""
    (tmp_path / "config.json").write_text(json.dumps(config))
    args = [str(TAP), "--config", str(tmp_path / "config.json")]
    if catalog is None:
        args.append("--discover")
    else:
        (tmp_path / "catalog.json").write_text(json.dumps(catalog))
        args += ["--catalog", str(tmp_path / "catalog.json")]
    if state is not None:
        (tmp_path / "state.json").write_text(json.dumps(state))
        args += ["--state", str(tmp_path / "state.json")]
    # tap-github checks any GITHUB_TOKEN* it finds against the real api.github.com.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_TOKEN")}
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    if catalog is None:
        return json.loads(proc.stdout), None
    records, final_state = parse_singer_output(proc.stdout)
    return records, final_state


def select(catalog: dict, names: set[str]) -> dict:
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] in names
    return catalog


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("github")
    generate(out, seed=3, scale=0.02)
    return out


def test_second_run_rereads_reviews_only_of_changed_pull_requests(data: Path, tmp_path: Path):
    pulls_file = data / "github" / "pulls.json"
    pulls = json.loads(pulls_file.read_text())
    reviews = json.loads((data / "github" / "reviews.json").read_text())
    repos = json.loads((data / "github" / "repos.json").read_text())
    reviewed = {r["pull_request_url"].rsplit("/", 1)[1] for r in reviews}
    changed = next(p for p in pulls if str(p["number"]) in reviewed)
    first_update = min(p["updated_at"] for p in pulls)
    config = {
        "organizations": sorted({r["owner"]["login"] for r in repos}),
        "start_date": first_update,
    }
    with start(data) as server:
        config["api_url_base"] = server.url + "/github"
        catalog = select(run_tap(tmp_path, config, None)[0], SELECTED)

        server.reset_stats()
        first, state = run_tap(tmp_path, config, catalog)
        emitted = {(p["repo"], p["number"]) for p in first["pull_requests"]}
        assert len(emitted) == len(pulls)
        assert server.stats()["requests"][REVIEWS_ROUTE] == len(pulls)

        # Move one reviewed pull request past every bookmark, as a new comment on it would.
        newest = max(datetime.fromisoformat(p["updated_at"]) for p in pulls)
        changed["updated_at"] = (newest + timedelta(hours=1)).astimezone(UTC).isoformat()
        pulls_file.write_text(json.dumps(pulls))
        server.reload()

        server.reset_stats()
        second, _ = run_tap(tmp_path, config, catalog, state)

    # Pull requests at exactly a bookmark come again (the bookmark is inclusive); none older.
    again = second.get("pull_requests", [])
    assert changed["number"] in {p["number"] for p in again}
    bookmarks = {
        (p["context"]["org"], p["context"]["repo"]): p["replication_key_value"]
        for p in state["bookmarks"]["pull_requests"]["partitions"]
        if "replication_key_value" in p  # a repository without pull requests has none
    }
    for pull in again:
        if pull["number"] != changed["number"]:
            bookmark = datetime.fromisoformat(bookmarks[(pull["org"], pull["repo"])])
            assert datetime.fromisoformat(pull["updated_at"]) >= bookmark
    assert server.stats()["requests"].get(REVIEWS_ROUTE, 0) == len(again) < len(pulls)
    reread = {r["id"] for r in second["reviews"]}
    expected = {r["id"] for r in reviews if r["pull_request_url"].endswith(f"/{changed['number']}")}
    assert expected <= reread
