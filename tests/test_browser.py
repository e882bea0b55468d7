"""The real dashboard in a real headless Chromium: every page renders, user text stays text.

Runs `streamlit run app.py` on a copy of the published test warehouse and drives Debian's
Chromium through playwright; then publishes over that copy a version in which the most urgent
queued request carries a `<script>` title, and checks the queue shows it as text.
Screenshots go to tests/artifacts/; with COVERED_UPDATE_SCREENSHOTS=1 the main pages also
replace docs/screenshots/*.png (the README's).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
from PIL import Image
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.browser

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# url path, title, screenshot name, shown in the README
PAGES = [
    ("", "Overview", "overview", True),
    ("unanswered", "Queue", "queue", True),
    ("slack-process", "Slack", "slack", True),
    ("github-issues", "GitHub", "github", True),
    ("email-security-chat", "Email, security and chat", "email-security-chat", False),
    ("first-responders", "Responders", "responders", False),
    ("coverage-gaps", "Coverage gaps", "coverage-gaps", False),
]
XSS_FLAG = "__coveredXss"
XSS_TITLE = f'<script>window.{XSS_FLAG} = 1; alert("xss")</script> my tap fails'
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
# Streamlit scrolls inside its own container, so a tall viewport is what shows the charts.
VIEWPORT = {"width": 1280, "height": 1800}
STARTUP_SECONDS = 90
RENDER_MS = 60_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served_copy(published_db, tmp_path_factory) -> Path:
    """A copy of the published test data that the test may publish over."""
    copy = tmp_path_factory.mktemp("browser") / "served.published.duckdb"
    shutil.copy(published_db, copy)
    return copy


def publish_hostile_title(published_db: Path, served: Path) -> None:
    """Publish, the way covered.publish does (whole file, atomic rename), a copy in which the
    most urgent queued request has a script tag for a title."""
    staged = served.with_name(".hostile.tmp")
    shutil.copy(published_db, staged)
    with duckdb.connect(str(staged)) as con:
        changed = con.execute(
            "update marts.rpt_queue set title = ? where urgency_rank ="
            " (select min(urgency_rank) from marts.rpt_queue) returning request_id",
            [XSS_TITLE],
        ).fetchall()
    assert changed, "the test data must leave at least one request unanswered"
    os.replace(staged, served)


@pytest.fixture(scope="module")
def dashboard(served_copy):
    """A `streamlit run app.py` server on a free port; yields its base URL."""
    port = free_port()
    log = ARTIFACTS / "streamlit.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "COVERED_PUBLISHED": str(served_copy)}
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"streamlit exited with {server.returncode}: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start in {STARTUP_SECONDS} s")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def shrink(source: Path, target: Path) -> None:
    """A 256-colour copy of a screenshot: the README's images stay small in git."""
    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=256).save(target, optimize=True)


def render(page, url: str, title: str) -> float:
    """Open a page and wait until its script has finished; returns the seconds it took."""
    started = time.monotonic()
    page.goto(url)
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=RENDER_MS)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        timeout=RENDER_MS
    )
    page.locator('[data-testid="stSkeleton"]').first.wait_for(state="detached", timeout=RENDER_MS)
    # Vega renders charts asynchronously after the script run.
    page.wait_for_load_state("networkidle", timeout=RENDER_MS)
    return time.monotonic() - started


def test_every_page_renders_without_errors_and_text_stays_text(
    dashboard, browser, published_db, served_copy
):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    update_docs = os.environ.get("COVERED_UPDATE_SCREENSHOTS") == "1"
    timings = {}
    try:
        for path, title, name, in_readme in PAGES:
            timings[title] = round(render(page, f"{dashboard}/{path}", title), 2)
            errors = page.locator(ERRORS)
            assert errors.count() == 0, f"{title}: {errors.all_inner_texts()}"
            assert page.locator("h1").first.inner_text() == title
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
            if update_docs and in_readme:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                shrink(ARTIFACTS / f"{name}.png", SCREENSHOTS / f"{name}.png")

        # Streamlit follows the browser's colour scheme: the charts must work in dark mode too.
        dark = browser.new_context(viewport=VIEWPORT, color_scheme="dark")
        dark_page = dark.new_page()
        timings["Overview (dark)"] = round(render(dark_page, dashboard, "Overview"), 2)
        assert dark_page.locator(ERRORS).count() == 0
        dark_page.screenshot(path=str(ARTIFACTS / "overview-dark.png"))
        dark.close()

        # A new publish while the server runs; its hostile title tops the queue, and must be
        # shown as literal text, never run.
        publish_hostile_title(published_db, served_copy)
        render(page, f"{dashboard}/unanswered", "Queue")
        # The grid draws on a canvas; its accessibility cells carry the text.
        page.wait_for_function(
            "title => [...document.querySelectorAll('[role=gridcell], td')]"
            ".some(cell => cell.textContent === title)",
            arg=XSS_TITLE,
            timeout=RENDER_MS,
        )
        assert page.evaluate(f"window.{XSS_FLAG}") is None
        assert page.locator("script", has_text=XSS_FLAG).count() == 0
        assert dialogs == []
    finally:
        (ARTIFACTS / "render_seconds.json").write_text(json.dumps(timings, indent=2))
        context.close()
