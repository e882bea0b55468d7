"""`make bench`: the performance figures of issue 7, measured in one run.

Prints a table and merges the figures into benchmarks/results.json (keys it does not own, such
as the loader benchmark's, are kept); after a run without error the table between the markers
of docs/benchmarks.md is rewritten from them. Parts, in this order (--only picks some; the
incremental part brings the pipeline part with it, since it builds on a fresh full run):

  loader       benchmarks/bench_loader.py, as a subprocess; it merges its own keys
  pipeline     `covered pipeline` on freshly generated data at scale 1 and 10: wall time and
               peak memory (process tree, sampled) per stage, rows, API requests; and the
               scale-1 requests' backfill time under the vendors' published rate limits
  dbt          `dbt build` alone at scale 1, 10 and 100; scale 100 is the scale-10 raw tables
               replicated 10x with shifted keys (replicate.py), as no API run fits the budget
  dashboard    every page rendered twice with AppTest on the scale-10 published copy
  incremental  ~1% new data appended to the scale-10 dataset (increment.py), then
               `covered pipeline` again on the same warehouse; requests against the floor
               the new data needs

Everything is written under benchmarks/work/e2e/ and rebuilt on each run.

    .venv/bin/python benchmarks/run.py [--only pipeline,dbt] [--scales 1,10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import duckdb
import psutil
from increment import PageSizes, append_increment, minimum_requests
from procmon import PIPELINE_STAGE, PIPELINE_STAGE_DONE, Measured, run_measured
from ratelimits import backfill_estimate, split_route
from replicate import ReplicationError, replicate_raw

from covered.pipeline import PipelineOptions
from covered.sandbox.generate import DEFAULT_ANCHOR, generate

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
WORK = BENCH / "work" / "e2e"
RESULTS = BENCH / "results.json"
DOCS = ROOT / "docs" / "benchmarks.md"
DOCS_BEGIN, DOCS_END = "<!-- bench:table:begin -->", "<!-- bench:table:end -->"
VENV_BIN = Path(sys.executable).parent
DBT = ROOT / ".meltano" / "utilities" / "dbt-duckdb" / "venv" / "bin" / "dbt"
TAP_GITHUB_VENV = ROOT / ".meltano" / "extractors" / "tap-github" / "venv"
PARTS = ("loader", "pipeline", "dbt", "dashboard", "incremental")
DEFAULT_SCALES = (1, 10)
BIG_SCALE = 10  # the scale the incremental run, the dashboard and the scale-100 copy start from
REPLICAS = 10  # scale 100 = the scale-10 raw tables x 10
INCREMENT_FRACTION = 0.01
BUDGET_SECONDS = 15 * 60
# The taps' logging config (Singer SDK): their INFO lines pass through Meltano one by one.
OBSERVED_ENVIRONMENT = ("SINGER_SDK_LOG_CONFIG",)
MB = 1024 * 1024
# `covered pipeline` runs one at a time per checkout: it says when it waits for another run,
# then that it started the sandbox. The wait is not part of the run.
LOCK_WAIT = re.compile(r"^waiting for another pipeline run")
SANDBOX_UP = re.compile(r"^sandbox serving ")
# key: (comparison, goal) from issue 7.
GOALS = {
    "loader_vs_duckdb_native": (">=", 0.5),
    "loader_vs_target_duckdb": (">=", 3.0),
    "incremental_vs_full_scale10": ("<=", 0.25),
    "api_requests_vs_minimum_incremental": ("<=", 1.25),
    "dbt_build_scale100_vs_scale10": ("<=", 12.0),
    "dashboard_page_max_s": ("<", 1.0),
}


class BenchError(Exception):
    """A part could not be measured; the message is one line."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def log(line: str = "") -> None:
    print(line, flush=True)


# ---- the environment ------------------------------------------------------------------------


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = names[0].strip() if names else cpu
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "os": platform.platform(),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
    }


def _venv_version(venv: Path, package: str) -> str | None:
    sites = list(venv.glob("lib/python*/site-packages"))
    found = list(metadata.distributions(name=package, path=[str(p) for p in sites]))
    return found[0].version if found else None


def versions() -> dict:
    return {
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "meltano": metadata.version("meltano"),
        "singer-sdk": metadata.version("singer-sdk"),
        "streamlit": metadata.version("streamlit"),
        "dbt-core": _venv_version(DBT.parent.parent, "dbt-core"),
        "dbt-duckdb": _venv_version(DBT.parent.parent, "dbt-duckdb"),
        "meltanolabs-tap-github": _venv_version(TAP_GITHUB_VENV, "meltanolabs-tap-github"),
    }


# ---- parts ----------------------------------------------------------------------------------


def _check(measured: Measured, what: str) -> None:
    if measured.returncode != 0:
        lines = [line for line in measured.stderr.splitlines() if line.strip()]
        detail = lines[-1] if lines else "no error output"
        raise BenchError(f"{what} failed (exit {measured.returncode}): {detail}")


def run_loader() -> dict:
    script = BENCH / "bench_loader.py"
    if not script.exists():
        log("loader: benchmarks/bench_loader.py not found, skipped")
        return {"skipped": True}
    measured = run_measured([sys.executable, str(script)], cwd=ROOT, echo=_indent)
    _check(measured, "bench_loader.py")
    return {"seconds": round(measured.seconds, 1)}


def _indent(line: str) -> None:
    log(f"    {line}")


def scale_dir(scale: int) -> Path:
    return WORK / f"scale-{scale}"


def warehouse(scale: int) -> Path:
    return scale_dir(scale) / "covered.duckdb"


def dataset(scale: int) -> Path:
    return scale_dir(scale) / "data"


def published(scale: int) -> Path:
    return PipelineOptions(data_dir=dataset(scale), warehouse=warehouse(scale)).published_path


def raw_rows(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema like 'raw\\_%' escape '\\'"
        ).fetchall()
        return sum(
            con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            for schema, table in tables
        )


def run_pipeline(scale: int, as_of: datetime) -> dict:
    """`covered pipeline` on the scale's dataset and warehouse, measured from outside."""
    command = [
        str(VENV_BIN / "covered"),
        "pipeline",
        "--data",
        str(dataset(scale)),
        "--config",
        str(dataset(scale) / "config"),
        "--as-of",
        as_of.isoformat(),
        "--warehouse",
        str(warehouse(scale)),
    ]
    measured = run_measured(
        command,
        cwd=ROOT,
        stage_start=PIPELINE_STAGE,
        stage_end=PIPELINE_STAGE_DONE,
        echo=lambda line: _indent(line) if PIPELINE_STAGE_DONE.match(line) else None,
    )
    logs = warehouse(scale).with_name(f"{warehouse(scale).name}.logs")
    _check(measured, f"covered pipeline at scale {scale}")
    stats = json.loads((logs / "sandbox-stats.json").read_text(encoding="utf-8"))
    waited = lock_wait(measured)
    return {
        "seconds": round(measured.seconds - waited, 1),
        "lock_wait_s": round(waited, 1),
        "peak_rss_mb": round(measured.peak_rss / MB),
        "stages": {
            name: {
                "seconds": round(stage["seconds"], 1),
                "peak_rss_mb": round(stage["peak_rss"] / MB),
            }
            for name, stage in measured.stages.items()
        },
        "raw_rows": raw_rows(warehouse(scale)),
        "warehouse_mb": round(warehouse(scale).stat().st_size / MB, 1),
        "requests": stats,
    }


def lock_wait(measured: Measured) -> float:
    """Seconds the pipeline spent waiting for another run in this checkout (and starting the
    sandbox, which it does right after and does not announce separately)."""
    lines = list(zip(measured.times, measured.output, strict=True))
    began = next((at for at, line in lines if LOCK_WAIT.match(line)), None)
    if began is None:
        return 0.0
    return next((at for at, line in lines if SANDBOX_UP.match(line)), began) - began


def full_run(scale: int) -> dict:
    shutil.rmtree(scale_dir(scale), ignore_errors=True)
    started = time.monotonic()
    counts = generate(dataset(scale), scale=scale, anchor=DEFAULT_ANCHOR)
    generated = time.monotonic() - started
    log(f"  scale {scale}: generated {sum(counts.values()):,} objects in {generated:.1f} s")
    result = run_pipeline(scale, DEFAULT_ANCHOR)
    result["generate_s"] = round(generated, 1)
    result["measured_at"] = now()
    log(f"  scale {scale}: pipeline {result['seconds']:.1f} s, peak {result['peak_rss_mb']} MB")
    return result


def dbt_build(path: Path, config_dir: Path, as_of: datetime) -> dict:
    env = dict(
        os.environ,
        DBT_USE_COLORS="false",
        COVERED_WAREHOUSE=str(path),
        COVERED_CONFIG_DIR=str(config_dir),
        COVERED_AS_OF=as_of.isoformat(),
    )
    target = WORK / "dbt"
    command = [
        str(DBT),
        "build",
        "--project-dir",
        "transform",
        "--profiles-dir",
        "transform",
        # A full build at every scale, so that the scales compare like with like.
        "--full-refresh",
        # Its own target and log paths: other runs of the project must not be disturbed.
        "--target-path",
        str(target / "target"),
        "--log-path",
        str(target / "logs"),
    ]
    measured = run_measured(command, env=env, cwd=ROOT)
    if measured.returncode != 0:
        failures = [line for line in measured.output if re.search(r"(Failure|Error) in ", line)]
        detail = failures[0].strip() if failures else f"see {target / 'logs' / 'dbt.log'}"
        raise BenchError(f"dbt build on {path.name} failed: {detail}")
    return {
        "seconds": round(measured.seconds, 1),
        "peak_rss_mb": round(measured.peak_rss / MB),
        "raw_rows": raw_rows(path),
        "measured_at": now(),
    }


def run_dbt(scales: list[int]) -> dict:
    out = {}
    for scale in scales:
        if not warehouse(scale).exists():
            raise BenchError(f"no scale-{scale} warehouse: run the pipeline part first")
        out[f"scale_{scale}"] = dbt_build(
            warehouse(scale), dataset(scale) / "config", DEFAULT_ANCHOR
        )
        log(f"  dbt build scale {scale}: {out[f'scale_{scale}']['seconds']:.1f} s")
    big = BIG_SCALE * REPLICAS
    target = scale_dir(big) / "covered.duckdb"
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        replicate_raw(warehouse(BIG_SCALE), target, copies=REPLICAS)
    except ReplicationError as error:
        raise BenchError(f"scale {big}: {error}") from None
    replicated = time.monotonic() - started
    out[f"scale_{big}"] = dbt_build(target, dataset(BIG_SCALE) / "config", DEFAULT_ANCHOR)
    out[f"scale_{big}"]["replicate_s"] = round(replicated, 1)
    log(f"  dbt build scale {big}: {out[f'scale_{big}']['seconds']:.1f} s")
    return out


def run_dashboard() -> dict:
    path = published(BIG_SCALE)
    if not path.exists():
        raise BenchError(f"no scale-{BIG_SCALE} published copy: run the pipeline part first")
    command = [sys.executable, str(BENCH / "dashboard.py"), "--published", str(path)]
    measured = run_measured(command, cwd=ROOT)
    _check(measured, "the dashboard bench")
    result = json.loads(measured.output[-1])
    result["peak_rss_mb"] = round(measured.peak_rss / MB)
    result["measured_at"] = now()
    return result


def run_incremental(full: dict) -> dict:
    increment = append_increment(dataset(BIG_SCALE), DEFAULT_ANCHOR, INCREMENT_FRACTION)
    log(
        f"  appended {sum(increment.added.values()):,} items ({increment.share:.2%}),"
        f" as of {increment.as_of.isoformat()}"
    )
    run = run_pipeline(BIG_SCALE, increment.as_of)
    floor = minimum_requests(increment, PageSizes.of_taps())
    made: dict[str, int] = {}
    for route, count in run["requests"]["requests"].items():
        prefix, pattern = split_route(route)
        made[f"{prefix} {pattern}"] = made.get(f"{prefix} {pattern}", 0) + count
    return {
        "run": run,
        "added": dict(increment.added),
        "share": round(increment.share, 4),
        "as_of": increment.as_of.isoformat(),
        "requests": run["requests"]["total"],
        "minimum": sum(floor.values()),
        "by_route": {
            route: {"made": made.get(route, 0), "minimum": floor.get(route, 0)}
            for route in sorted(set(made) | set(floor))
        },
        "full_seconds": full["seconds"],
        "measured_at": now(),
    }


# ---- output ---------------------------------------------------------------------------------


def headline(results: dict) -> dict:
    """The issue's keys, from the parts' details."""
    keys = {}
    pipeline = results.get("pipeline", {})
    incremental = results.get("incremental", {})
    if incremental and f"scale_{BIG_SCALE}" in pipeline:
        keys["incremental_vs_full_scale10"] = round(
            incremental["run"]["seconds"] / pipeline[f"scale_{BIG_SCALE}"]["seconds"], 3
        )
    if incremental and incremental["minimum"]:
        keys["api_requests_vs_minimum_incremental"] = round(
            incremental["requests"] / incremental["minimum"], 2
        )
    dbt = results.get("dbt", {})
    if "scale_100" in dbt and "scale_10" in dbt:
        keys["dbt_build_scale100_vs_scale10"] = round(
            dbt["scale_100"]["seconds"] / dbt["scale_10"]["seconds"], 2
        )
    pages = results.get("dashboard", {}).get("pages")
    if pages:
        keys["dashboard_page_max_s"] = max(page["cold_s"] for page in pages.values())
        keys["dashboard_page_max_cached_s"] = max(page["cached_s"] for page in pages.values())
    return keys


def goal_rows(results: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    for key, (comparison, goal) in GOALS.items():
        value = results.get(key)
        if value is None:
            rows.append((key, "—", f"{comparison} {goal:g}", "not measured"))
            continue
        met = {"<=": value <= goal, ">=": value >= goal, "<": value < goal}[comparison]
        rows.append((key, f"{value:g}", f"{comparison} {goal:g}", "met" if met else "MISSED"))
    return rows


def markdown_table(results: dict) -> str:
    lines = []
    if results.get("bench_full_run_seconds"):
        full = results["bench_full_run_seconds"]
        budget = "within" if full <= BUDGET_SECONDS else "over"
        lines += [f"The last full run took {_duration(full)} ({budget} the 15-minute budget).", ""]
    lines += ["| key | value | goal | status |", "|---|---|---|---|"]
    lines += [f"| `{k}` | {v} | {g} | {s} |" for k, v, g, s in goal_rows(results)]
    runs = _runs(results)
    if runs:
        lines += ["", "| stage: wall time, peak memory | " + " | ".join(runs) + " |"]
        lines += ["|---|" + "---|" * len(runs)]
        stages = list(dict.fromkeys(stage for run in runs.values() for stage in run["stages"]))
        for stage in [*stages, "total"]:
            cells = []
            for run in runs.values():
                entry = run if stage == "total" else run["stages"].get(stage)
                cells.append(
                    f"{entry['seconds']:.1f} s, {entry['peak_rss_mb']} MB" if entry else "—"
                )
            lines.append(f"| {stage} | " + " | ".join(cells) + " |")
        outside = [
            run["seconds"] - sum(stage["seconds"] for stage in run["stages"].values())
            for run in runs.values()
        ]
        lines.insert(
            len(lines) - 1,
            "| outside the stages (sandbox loading the dataset, stopping, counting rows) | "
            + " | ".join(f"{seconds:.1f} s" for seconds in outside)
            + " |",
        )
    dbt = results.get("dbt", {})
    if dbt:
        lines += ["", "| dbt build alone | seconds | peak MB | raw rows |", "|---|---|---|---|"]
        lines += [
            f"| {name.replace('_', ' ')} | {d['seconds']:.1f} | {d['peak_rss_mb']} "
            f"| {d['raw_rows']:,} |"
            for name, d in dbt.items()
        ]
    incremental = results.get("incremental")
    if incremental:
        lines += ["", "| route (incremental run) | requests made | floor |", "|---|---|---|"]
        lines += [
            f"| `{route}` | {v['made']} | {v['minimum']} |"
            for route, v in incremental["by_route"].items()
        ]
        lines.append(f"| total | {incremental['requests']} | {incremental['minimum']} |")
    backfill = results.get("backfill_scale1")
    if backfill:
        lines += ["", "| full backfill at scale 1, published limits | time | bound by |"]
        lines += ["|---|---|---|"]
        lines += [
            f"| {source} | {_duration(s['seconds'])} | {s['bound_by']} |"
            for source, s in backfill["sources"].items()
        ]
        lines.append(
            f"| total (sources run one after the other) | "
            f"{_duration(backfill['total_seconds'])} | |"
        )
    pages = results.get("dashboard", {}).get("pages")
    if pages:
        lines += ["", "| dashboard page (scale 10) | first render | cached |", "|---|---|---|"]
        lines += [
            f"| {p} | {v['cold_s']:.2f} s | {v['cached_s']:.2f} s |" for p, v in pages.items()
        ]
    return "\n".join(lines)


def _runs(results: dict) -> dict[str, dict]:
    runs = {
        f"full, scale {name.split('_')[1]}": run
        for name, run in results.get("pipeline", {}).items()
    }
    if results.get("incremental"):
        runs[f"incremental, scale {BIG_SCALE}"] = results["incremental"]["run"]
    return runs


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.0f} s"


def update_docs(table: str, stamp: str) -> None:
    if not DOCS.exists():
        return
    text = DOCS.read_text(encoding="utf-8")
    if DOCS_BEGIN not in text or DOCS_END not in text:
        return
    head, rest = text.split(DOCS_BEGIN, 1)
    _, tail = rest.split(DOCS_END, 1)
    DOCS.write_text(f"{head}{DOCS_BEGIN}\n{stamp}\n\n{table}\n{DOCS_END}{tail}", encoding="utf-8")


def save(mine: dict) -> dict:
    """Merge into results.json as it is now (the loader bench may have written to it)."""
    current = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    for key, value in mine.items():
        # One level deep, so that `--only pipeline --scales 1` keeps the scale-10 figures.
        both_dicts = isinstance(value, dict) and isinstance(current.get(key), dict)
        current[key] = {**current[key], **value} if both_dicts else value
    current.update(headline(current))
    RESULTS.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    return current


# ---- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", help=f"comma-separated parts to run, of {', '.join(PARTS)} (default all)"
    )
    parser.add_argument(
        "--scales",
        default=",".join(map(str, DEFAULT_SCALES)),
        help="pipeline scales (default 1,10; 10 is needed by dbt, dashboard, incremental)",
    )
    args = parser.parse_args(argv)
    args.parts = PARTS if not args.only else tuple(p.strip() for p in args.only.split(","))
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part {', '.join(unknown)}; parts are {', '.join(PARTS)}")
    try:
        args.scales = sorted({int(s) for s in args.scales.split(",")})
    except ValueError:
        parser.error(f"--scales must be integers separated by commas, got {args.scales!r}")
    if "incremental" in args.parts and "pipeline" not in args.parts:
        # The increment goes on top of a fresh full run, whose bookmarks it needs.
        args.parts = (*args.parts, "pipeline")
    if "pipeline" in args.parts and "incremental" in args.parts and BIG_SCALE not in args.scales:
        args.scales.append(BIG_SCALE)
    return args


def plugins_without_bytecode() -> list[str]:
    """The Meltano plugins whose venv has no compiled modules, where Python will not write any."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return []
    return [
        venv.parent.name
        for venv in sorted((ROOT / ".meltano").glob("*/*/venv"))
        if next(venv.rglob("*.pyc"), None) is None
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (VENV_BIN / "covered").exists() or not DBT.exists():
        log("bench: error: the project is not set up; run `make setup` first")
        return 1
    if uncompiled := plugins_without_bytecode():
        # Each plugin process would recompile its imports at every start: dbt build at scale
        # 10 measured 30.7 s so against 20.1 s.
        log(
            f"bench: error: {', '.join(uncompiled)} installed without bytecode while "
            "PYTHONDONTWRITEBYTECODE is set; reinstall them with "
            "`UV_COMPILE_BYTECODE=1 .venv/bin/meltano install --clean`"
        )
        return 1
    started = time.monotonic()
    mine: dict = {
        "date": now(),
        "machine": machine(),
        "versions": versions(),
        # Settings from the caller's environment that change what is measured.
        "environment": {name: os.environ.get(name) for name in OBSERVED_ENVIRONMENT},
    }
    log(
        f"bench on {mine['machine']['cpu']}, {mine['machine']['cores']} cores, "
        f"load {mine['machine']['load_average_at_start']}"
    )
    error = None
    try:
        if "loader" in args.parts:
            log("[loader]")
            mine["loader"] = run_loader()
        if "pipeline" in args.parts:
            log("[pipeline]")
            mine["pipeline"] = {}
            for scale in args.scales:
                mine["pipeline"][f"scale_{scale}"] = full_run(scale)
            if 1 in args.scales:
                mine["backfill_scale1"] = backfill_estimate(
                    mine["pipeline"]["scale_1"]["requests"]["requests"]
                )
        if "dbt" in args.parts:
            log("[dbt]")
            mine["dbt"] = run_dbt([s for s in (1, BIG_SCALE) if warehouse(s).exists()])
        if "dashboard" in args.parts:
            log("[dashboard]")
            mine["dashboard"] = run_dashboard()
        if "incremental" in args.parts:
            log("[incremental]")
            mine["incremental"] = run_incremental(mine["pipeline"][f"scale_{BIG_SCALE}"])
    except BenchError as exc:
        error = str(exc)
    mine["bench_seconds"] = round(time.monotonic() - started, 1)
    mine["bench_parts"] = list(args.parts)
    if error is None and set(args.parts) == set(PARTS):
        mine["bench_full_run_seconds"] = mine["bench_seconds"]
    results = save(mine)
    table = markdown_table(results)
    log()
    log(table)
    log()
    within = "within" if mine["bench_seconds"] <= BUDGET_SECONDS else "OVER"
    log(
        f"bench took {_duration(mine['bench_seconds'])} ({within} the 15-minute budget);"
        f" results in {RESULTS.relative_to(ROOT)}"
    )
    if error is None:
        box = mine["machine"]
        runs = "a full run" if set(args.parts) == set(PARTS) else f"parts {', '.join(args.parts)}"
        update_docs(
            table,
            f"Last updated {mine['date']} by {runs} on {box['cpu']}, {box['cores']} cores, "
            f"{box['memory_gb']} GB; `benchmarks/results.json` has every figure and its run.",
        )
    if error:
        log(f"bench: error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
