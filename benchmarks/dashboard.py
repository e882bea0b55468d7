"""Render every dashboard page with streamlit.testing.v1.AppTest and time it.

Run as its own process (the caches and the imported app are per process), with the published
copy to read:

    .venv/bin/python benchmarks/dashboard.py --published warehouse/dev.published.duckdb

The first run of the app (imports, the DuckDB connection, the default page) is reported as
`startup_s`. Then, for each page of the router: the query cache is cleared and the page
rendered (`cold_s`, what the first visitor after a publish waits), then rendered again
(`cached_s`). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
TIMEOUT_SECONDS = 120


def router_pages(app: Path = APP) -> list[str]:
    """The page files the router declares, in its order."""
    return re.findall(r"st\.Page\(\s*\"([^\"]+)\"", app.read_text(encoding="utf-8"))


def timed_run(at) -> float:
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    if at.exception:
        raise RuntimeError("; ".join(str(e.value) for e in at.exception))
    return seconds


def measure(published: Path) -> dict:
    os.environ["COVERED_PUBLISHED"] = str(published)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_SECONDS)
    result = {"startup_s": timed_run(at), "pages": {}}
    for page in router_pages():
        st.cache_data.clear()
        at.switch_page(page)
        cold = timed_run(at)
        cached = timed_run(at)
        result["pages"][page] = {"cold_s": round(cold, 3), "cached_s": round(cached, 3)}
    result["startup_s"] = round(result["startup_s"], 3)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path, required=True, help="published DuckDB file")
    args = parser.parse_args()
    if not args.published.is_file():
        print(f"dashboard bench: error: {args.published}: no such file", file=sys.stderr)
        return 1
    try:
        print(json.dumps(measure(args.published)))
    except RuntimeError as error:
        print(f"dashboard bench: error: a page raised: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
