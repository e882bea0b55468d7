"""Column layout of a raw table, derived from the stream's SCHEMA message.

The mapping is the "Raw tables" contract of docs/architecture.md: objects and arrays are JSON,
`format: date-time` strings TIMESTAMPTZ, integers BIGINT, numbers DOUBLE, booleans BOOLEAN,
everything else VARCHAR.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

SDC_PREFIX = "_sdc_"

# The Singer SDK's record metadata columns, with the SDK's own types.
METADATA_COLUMNS: dict[str, str] = {
    "_sdc_extracted_at": "TIMESTAMPTZ",
    "_sdc_received_at": "TIMESTAMPTZ",
    "_sdc_batched_at": "TIMESTAMPTZ",
    "_sdc_deleted_at": "TIMESTAMPTZ",
    "_sdc_sequence": "BIGINT",
    "_sdc_table_version": "BIGINT",
    "_sdc_sync_started_at": "BIGINT",
}

_SCALAR_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # the table's DuckDB type

    @property
    def read_type(self) -> str:
        """The type read_json parses the value as.

        Timestamps are read as text and cast in SQL, so that an empty string can become null
        (HubSpot sends "" for unset dates) while any other bad value still fails the cast.
        """
        return "VARCHAR" if self.type == "TIMESTAMPTZ" else self.type


def _json_types(prop: dict[str, t.Any]) -> tuple[set[str], set[str]]:
    """The non-null JSON types and string formats a property allows, anyOf/oneOf included."""
    types: set[str] = set()
    formats: set[str] = set()
    declared = prop.get("type")
    if isinstance(declared, str):
        types.add(declared)
    elif isinstance(declared, list):
        types.update(declared)
    if "format" in prop:
        formats.add(prop["format"])
    for combinator in ("anyOf", "oneOf"):
        for sub in prop.get(combinator, []):
            sub_types, sub_formats = _json_types(sub)
            types |= sub_types
            formats |= sub_formats
    types.discard("null")
    return types, formats


def duckdb_type(prop: dict[str, t.Any]) -> str:
    types, formats = _json_types(prop)
    if types & {"object", "array"}:
        return "JSON"
    if types == {"string"} and formats == {"date-time"}:
        return "TIMESTAMPTZ"
    if len(types) == 1 and (scalar := _SCALAR_TYPES.get(next(iter(types)))):
        return scalar
    if types == {"integer", "number"}:
        return "DOUBLE"
    return "VARCHAR"


def columns_from_schema(schema: dict[str, t.Any]) -> list[Column]:
    """The stream's own columns; `_sdc_` properties a tap may declare are left to the metadata."""
    return [
        Column(name, duckdb_type(prop or {}))
        for name, prop in schema.get("properties", {}).items()
        if not name.startswith(SDC_PREFIX)
    ]
