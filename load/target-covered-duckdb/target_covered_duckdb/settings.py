"""The loader's settings: one JSON schema for both ways it runs (see cli.py)."""

from __future__ import annotations

import typing as t

LOAD_METHODS = ("upsert", "append-only", "overwrite")

# Settings the Singer SDK adds to every target that the direct loop does not implement: a run
# that sets any of them goes through the SDK.
SDK_FEATURES = ("stream_maps", "stream_map_config", "flattening_enabled", "faker_config")


def config_schema() -> dict[str, t.Any]:
    """The settings as a JSON schema (a fresh copy: the SDK adds its own settings to it)."""
    return {
        "type": "object",
        "properties": {
            "path": {
                "type": "string",
                "title": "DuckDB file",
                "description": "The DuckDB database file to load into; created if missing.",
            },
            "default_target_schema": {
                "type": ["string", "null"],
                "default": "main",
                "title": "Target schema",
                "description": "Schema the stream tables are created in; Meltano passes the "
                "extractor's load_schema (e.g. raw_slack).",
            },
            "batch_size_rows": {
                "type": ["integer", "null"],
                "minimum": 1,
                # Each batch is one transaction, committed and checkpointed: fewer, larger
                # batches cost less CPU.
                "default": 100_000,
                "title": "Batch size",
                "description": "Records per stream loaded in one transaction.",
            },
            "validate_records": {
                "type": ["boolean", "null"],
                "default": False,
                "title": "Validate records",
                "description": "Validate each record against its JSON schema in Python first. "
                "Off by default: the taps are typed, and DuckDB casts every value to its column "
                "type and fails the batch loudly, naming the stream and column, on a bad one.",
            },
            "load_method": {
                "type": ["string", "null"],
                "enum": [*LOAD_METHODS, None],
                "default": "upsert",
                "title": "Load method",
                "description": "upsert: replace rows by the stream's key (latest record wins); "
                "append-only: insert every record; overwrite: empty each table on its first "
                "batch of the run, then upsert.",
            },
        },
        "required": ["path"],
    }


def setting(config: t.Mapping[str, t.Any], name: str) -> t.Any:
    """The setting's value in config, or its default where it is unset, null or empty (Meltano
    passes an unset `$MELTANO_EXTRACT__LOAD_SCHEMA` as "")."""
    return config.get(name) or config_schema()["properties"][name].get("default")


def sdk_feature_in(config: t.Mapping[str, t.Any]) -> str | None:
    """The first setting in config that only the Singer SDK's record path implements."""
    if config.get("validate_records"):
        return "validate_records"
    return next((name for name in SDK_FEATURES if config.get(name)), None)
