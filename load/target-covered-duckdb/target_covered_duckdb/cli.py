"""Entry point: a plain run takes the direct loop; anything else goes to the Singer SDK target.

A plain run is `--config FILE ...` with an optional `--input FILE`, and settings that need none
of the SDK's record-path features (settings.sdk_feature_in). `--about`, `--version`, `--help`,
`--config ENV` and stream maps, flattening or record validation are the SDK's to handle.
"""

from __future__ import annotations

import argparse
import json
import logging
import logging.config
import os
import signal
import sys
import typing as t
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from target_covered_duckdb.direct import InputError, run
from target_covered_duckdb.settings import config_schema, sdk_feature_in
from target_covered_duckdb.warehouse import LoadError

NAME = "target-covered-duckdb"
# The Singer SDK's console format, so that both ways of running log alike.
LOG_FORMAT = "{asctime:23s} | {levelname:8s} | {name:30s} | {message}"
# How the one line of a failed run starts, whichever way it ran (covered pipeline looks for it).
FAILED = "Load failed: "

logger = logging.getLogger(NAME)


class Stopped(Exception):
    """SIGTERM or SIGINT arrived."""


def _plain_run(args: list[str]) -> argparse.Namespace | None:
    parser = argparse.ArgumentParser(prog=NAME, add_help=False)
    parser.add_argument("--config", action="append", default=[])
    parser.add_argument("--input", type=Path)
    options, unknown = parser.parse_known_args(args)
    if unknown or not options.config or "ENV" in options.config:
        return None
    return options


def _read_config(paths: list[str]) -> dict[str, t.Any]:
    """The config files merged in order, as the SDK does; a bad file is a usage error."""
    config: dict[str, t.Any] = {}
    for path in paths:
        try:
            loaded = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            _usage_error(f"Invalid value for '--config': File at '{path}' was not found.")
        except (OSError, ValueError) as exc:
            _usage_error(f"Invalid value for '--config': {path}: {exc}")
        if not isinstance(loaded, dict):
            _usage_error(f"Invalid value for '--config': {path} does not hold a JSON object")
        config.update(loaded)
    return config


def _usage_error(message: str) -> t.NoReturn:
    print(f"Usage: {NAME} [OPTIONS]\nTry '{NAME} --help' for help.\n\nError: {message}")
    sys.exit(2)


def _config_errors(config: dict[str, t.Any]) -> list[str]:
    return [
        f"{error.message} in config[{']['.join(repr(p) for p in error.absolute_path)}]"
        if error.absolute_path
        else error.message
        for error in Draft202012Validator(config_schema()).iter_errors(config)
    ]


def _setup_logging() -> None:
    """As a Singer SDK plugin does: its console format, or the logging config Meltano hands it."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, style="{", stream=sys.stderr)
    if path := os.environ.get("SINGER_SDK_LOG_CONFIG"):
        try:
            logging.config.dictConfig(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, AttributeError, yaml.YAMLError) as exc:
            logger.warning("Logging config %s not used: %s", path, exc)


def _fail(message: str) -> t.NoReturn:
    logger.error("%s%s", FAILED, " ".join(message.split()))
    sys.exit(1)


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signal.Signals(signum).name)


def main() -> None:
    options = _plain_run(sys.argv[1:])
    config = _read_config(options.config) if options else {}
    if options is None or sdk_feature_in(config):
        # Imported only here: importing the SDK takes longer than loading 20,000 records.
        from target_covered_duckdb.target import TargetCoveredDuckDB

        TargetCoveredDuckDB.cli()
        return

    _setup_logging()
    if errors := _config_errors(config):
        _fail(f"invalid settings: {'; '.join(errors)}")
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        source = options.input.open("rb") if options.input else sys.stdin.buffer
    except OSError as exc:
        _usage_error(f"Invalid value for '--input': {options.input}: {exc.strerror}")
    try:
        with source:
            run(config, source)
    except (LoadError, InputError) as exc:
        _fail(str(exc))
    except Stopped as exc:
        _fail(f"stopped by {exc}; the records not yet loaded were dropped, rerun to load them")
