"""Secrets come only from the environment or `.env`, which git ignores (issue 6, part 5).

The run-time half (a sentinel token found in no log, state, warehouse or published file) is
`test_sentinel_tokens_reach_the_taps_and_nothing_written` in test_reliability.py, which reuses
that module's fault-free run.
"""

from __future__ import annotations

import subprocess

import yaml

from tests.conftest import PROJECT_ROOT

# The one environment that may hold literal tokens: the local sandbox accepts any.
SANDBOX_ENVIRONMENT = "dev"


def meltano_project() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "meltano.yml").read_text(encoding="utf-8"))


def sensitive_settings(project: dict) -> dict[str, set[str]]:
    """Plugin name -> the settings Meltano must treat as secrets."""
    return {
        plugin["name"]: {s["name"] for s in plugin.get("settings", []) if s.get("sensitive")}
        for plugins in project["plugins"].values()
        for plugin in plugins
    }


def test_env_file_is_ignored_by_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", ".env"], cwd=PROJECT_ROOT, check=False
    )
    assert ignored.returncode == 0


def test_every_token_setting_is_sensitive():
    project = meltano_project()
    for plugins in project["plugins"].values():
        for plugin in plugins:
            for setting in plugin.get("settings", []):
                if setting.get("kind") == "password":
                    assert setting.get("sensitive"), f"{plugin['name']}.{setting['name']}"


def test_no_token_value_outside_the_sandbox_environment():
    project = meltano_project()
    secrets = sensitive_settings(project)
    assert any(secrets.values())
    for plugins in project["plugins"].values():
        for plugin in plugins:
            written = set(plugin.get("config", {})) & secrets[plugin["name"]]
            assert not written, f"meltano.yml sets {plugin['name']} {sorted(written)}"
    for environment in project["environments"]:
        if environment["name"] == SANDBOX_ENVIRONMENT:
            continue
        for plugins in environment.get("config", {}).get("plugins", {}).values():
            for plugin in plugins:
                written = set(plugin.get("config", {})) & secrets[plugin["name"]]
                assert not written, f"{environment['name']} sets {plugin['name']} {written}"
