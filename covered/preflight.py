"""The first task of the `elt` job: refuse to start on bad config or a missing token.

Meltano runs it as `warehouse:check` (`python -m covered.preflight` from the project root) with
only the standard library and duckdb installed, so it imports nothing outside covered.config.
A problem is one line naming the file or setting, and no data has been fetched yet.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from covered.config import DEFAULT_CONFIG_DIR, ConfigError, validate_config_dir


def missing_tokens(required: list[str], env: dict[str, str]) -> list[str]:
    return [name for name in required if not env.get(name, "").strip()]


def main() -> int:
    config_dir = Path(os.environ.get("COVERED_CONFIG_DIR") or DEFAULT_CONFIG_DIR)
    required = json.loads(os.environ.get("COVERED_REQUIRED_TOKENS") or "[]")
    missing = missing_tokens(required, dict(os.environ))
    if missing:
        environment = os.environ.get("MELTANO_ENVIRONMENT", "this environment")
        print(
            f"check: error: {', '.join(missing)} not set; {environment} needs "
            "them: put them in .env or the scheduler's environment (see .env.example)",
            file=sys.stderr,
        )
        return 1
    try:
        validate_config_dir(config_dir)
    except ConfigError as error:
        print(f"check: error: {error}", file=sys.stderr)
        return 1
    print(f"check: config {config_dir} valid; {len(required)} required token(s) set")
    return 0


if __name__ == "__main__":
    sys.exit(main())
