"""The job's first task refuses to run prod without its tokens, before anything is fetched."""

from __future__ import annotations

import os
import subprocess

from tests.conftest import COVERED, PROJECT_ROOT

MELTANO = COVERED.with_name("meltano")
TOKENS = ("TAP_SLACK_TOKEN", "TAP_GITHUB_AUTH_TOKEN", "TAP_HUBSPOT_ACCESS_TOKEN")


def run_check(environment, **extra_env):
    env = {k: v for k, v in os.environ.items() if k not in TOKENS}
    env.update(extra_env)
    return subprocess.run(
        [str(MELTANO), f"--environment={environment}", "invoke", "warehouse:check"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_prod_without_tokens_names_each_missing_setting():
    completed = run_check("prod", TAP_HUBSPOT_ACCESS_TOKEN="set")
    assert completed.returncode != 0
    output = completed.stdout + completed.stderr
    assert "TAP_SLACK_TOKEN, TAP_GITHUB_AUTH_TOKEN not set" in output
    assert ".env.example" in output


def test_prod_with_tokens_and_dev_without_pass():
    assert run_check("prod", **dict.fromkeys(TOKENS, "sentinel")).returncode == 0
    assert run_check("dev").returncode == 0
