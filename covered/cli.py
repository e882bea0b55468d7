"""The `covered` command line.

Each top-level command group has one `add_<group>_commands(subparsers)` function that declares
its subcommands and sets `handler` to the function that runs them. A handler returns the exit
code; a user-facing problem is printed as one line, "covered: error: ...", never a traceback.
"""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from covered.sandbox.errors import SandboxError

DEFAULT_SANDBOX_PORT = 8765


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (the usage is one `--help` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"covered: error: {message} (see '{self.prog} --help')\n")


def _positive_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"scale must be a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"scale must be a positive number, got {text!r}")
    return value


def _instant(text: str) -> datetime:
    """An ISO 8601 date or date-time; without a UTC offset it is taken as UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {text!r}") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"port must be an integer 0-65535, got {text!r}")
    return int(text)


def add_sandbox_commands(subparsers: argparse._SubParsersAction) -> None:
    sandbox = subparsers.add_parser(
        "sandbox", help="the demo dataset and the local fake Slack/GitHub/HubSpot APIs"
    )
    commands = sandbox.add_subparsers(dest="sandbox_command", required=True, metavar="COMMAND")

    generate = commands.add_parser("generate", help="write the deterministic demo dataset")
    generate.add_argument("--out", required=True, type=Path, help="dataset directory to write")
    generate.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    generate.add_argument(
        "--anchor",
        type=_instant,
        default=None,
        help="the instant the data ends at, ISO 8601 (default 2026-11-01T00:00:00Z)",
    )
    generate.add_argument(
        "--scale", type=_positive_scale, default=1.0, help="volume multiplier (default 1)"
    )
    generate.set_defaults(handler=_sandbox_generate)

    serve = commands.add_parser("serve", help="serve a dataset directory over HTTP")
    serve.add_argument("--data", required=True, type=Path, help="dataset directory")
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_SANDBOX_PORT, help="port (default 8765; 0 = any)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    serve.add_argument("--faults", type=Path, help="JSON file of fault rules (see the spec)")
    serve.set_defaults(handler=_sandbox_serve)


def _sandbox_generate(args: argparse.Namespace) -> int:
    from covered.sandbox import generate  # the generator is only needed here

    options = {} if args.anchor is None else {"anchor": args.anchor}
    try:
        counts = generate.generate(args.out, seed=args.seed, scale=args.scale, **options)
    except OSError as exc:
        raise SandboxError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    total = sum(counts.values()) if isinstance(counts, dict) else None
    print(f"wrote {args.out}" + (f" ({total:,} objects)" if total is not None else ""))
    return 0


def _sandbox_serve(args: argparse.Namespace) -> int:
    from covered.sandbox.server import start

    sandbox = start(args.data, port=args.port, faults=args.faults, host=args.host)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"sandbox serving {args.data} at {sandbox.url} (Ctrl-C to stop)", flush=True)
    print(f"  Slack   {sandbox.url}/slack/api", flush=True)
    print(f"  GitHub  {sandbox.url}/github", flush=True)
    print(f"  HubSpot {sandbox.url}/hubspot", flush=True)
    try:
        while not stop.wait(3600):
            pass
    finally:
        sandbox.stop()
    print("sandbox stopped", flush=True)
    return 0


def add_pipeline_commands(subparsers: argparse._SubParsersAction) -> None:
    from covered.config import DEFAULT_CONFIG_DIR
    from covered.pipeline import PROJECT_ROOT

    pipeline = subparsers.add_parser(
        "pipeline",
        help="run the Meltano elt job against a sandbox serving a dataset directory",
        description="Start the sandbox on a free loopback port serving DIR, run the elt job of "
        "meltano.yml against it (extract-load, dbt build, publish), then stop the sandbox.",
    )
    pipeline.add_argument("--data", required=True, type=Path, help="dataset directory")
    pipeline.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG_DIR,
        help="directory of config CSVs replacing the seeds (default transform/seeds)",
    )
    pipeline.add_argument(
        "--as-of", type=_instant, help="the instant to evaluate at, ISO 8601 (default now)"
    )
    pipeline.add_argument(
        "--warehouse",
        type=Path,
        default=PROJECT_ROOT / "warehouse" / "dev.duckdb",
        help="DuckDB file to write (default warehouse/dev.duckdb); the published copy and "
        "Meltano state sit beside it",
    )
    pipeline.add_argument("--faults", type=Path, help="JSON file of sandbox fault rules")
    pipeline.set_defaults(handler=_pipeline)


def _pipeline(args: argparse.Namespace) -> int:
    from covered import pipeline

    return pipeline.main(
        pipeline.PipelineOptions(
            data_dir=args.data,
            config_dir=args.config,
            as_of=None if args.as_of is None else args.as_of.astimezone(UTC).isoformat(),
            warehouse=args.warehouse.resolve(),
            faults=args.faults,
        )
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="covered", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_sandbox_commands(commands)
    add_pipeline_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except SandboxError as exc:
        print(f"covered: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
