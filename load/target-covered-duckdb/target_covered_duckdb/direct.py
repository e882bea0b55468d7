"""The loader's own Singer message loop, for every run that needs none of the SDK's extras.

Importing the Singer SDK takes longer than loading 20,000 records, and its per-record path
parses every record; this loop routes a RECORD line by the stream name at its start and spools
it as it is. Runs with stream maps, flattening or record validation go through the SDK
(target.py) instead; both write through loader.py.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import typing as t
from collections import Counter

from target_covered_duckdb.loader import Loader, StreamLoad
from target_covered_duckdb.warehouse import LoadError

logger = logging.getLogger("target-covered-duckdb")

# How Singer SDK taps (and most others) start a RECORD line: such a line is routed by the raw
# stream name that follows. Any other line is parsed first.
RECORD_PREFIX = b'{"type":"RECORD","stream":"'
# Matching the SDK: STATE is also emitted, after loading everything, this often during a run.
MAX_RECORD_AGE_SECONDS = 5 * 60
_SHOWN_CHARS = 200


class InputError(Exception):
    """A line that is not a Singer message this loader can act on."""


def _shown(line: bytes) -> str:
    return line.strip()[:_SHOWN_CHARS].decode("utf-8", errors="replace")


def _raw_name(stream: str) -> bytes | None:
    """The stream's name as it appears between the quotes of a JSON line, when that is plain."""
    if any(char in stream for char in '"\\') or any(ord(char) < 0x20 for char in stream):
        return None  # JSON escapes it: its lines take the parsing path
    return stream.encode()


class DirectTarget:
    """Reads Singer messages and loads their records, emitting STATE once it is safe."""

    def __init__(self, config: t.Mapping[str, t.Any], state_output: t.TextIO) -> None:
        self.loader = Loader(config)
        self.state_output = state_output
        self.streams: dict[str, StreamLoad] = {}
        self._by_raw_name: dict[bytes, StreamLoad] = {}
        self._latest_state: t.Any = None
        self._emitted_state: t.Any = None
        self._drain_deadline = time.monotonic() + MAX_RECORD_AGE_SECONDS
        self._ignored_versions: set[str] = set()
        self.counts: Counter[str] = Counter()

    def run(self, lines: t.Iterable[bytes]) -> None:
        start = len(RECORD_PREFIX)
        by_raw_name = self._by_raw_name
        records = 0
        for line in lines:
            if line.startswith(RECORD_PREFIX):
                stream = by_raw_name.get(line[start : line.find(b'"', start)])
                if stream is not None:
                    records += 1
                    self._add(stream, line)
                    continue
            self._handle(line)
        if records:
            self.counts["RECORD"] += records
        self.drain_all()
        logger.info(
            "Read %d lines: %s",
            sum(self.counts.values()),
            ", ".join(f"{n} {kind}" for kind, n in sorted(self.counts.items())) or "nothing",
        )

    def close(self) -> None:
        for stream in self.streams.values():
            stream.close()
        self.loader.close()

    def drain_all(self) -> None:
        """Load every pending record, then emit the latest STATE: it covers only those."""
        for stream in self.streams.values():
            self.loader.load(stream)
        if self._latest_state is not None and self._latest_state != self._emitted_state:
            self.state_output.write(json.dumps(self._latest_state) + "\n")
            self.state_output.flush()
            self._emitted_state = self._latest_state
        self._drain_deadline = time.monotonic() + MAX_RECORD_AGE_SECONDS

    def _add(self, stream: StreamLoad, line: bytes) -> None:
        if stream.add_line(line):
            self.loader.load(stream)
        if time.monotonic() >= self._drain_deadline:
            logger.info("Records have waited %d s: loading all streams", MAX_RECORD_AGE_SECONDS)
            self.drain_all()

    def _handle(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            message = json.loads(line)
        except ValueError:  # not JSON, or not UTF-8
            raise InputError(f"input line is not valid JSON: {_shown(line)}") from None
        kind = message.get("type") if isinstance(message, dict) else None
        if not isinstance(kind, str):
            raise InputError(f"input line is not a Singer message (no type): {_shown(line)}")
        self.counts[kind] += 1
        if kind == "RECORD":
            stream = self._stream_of(message, line, "record")
            if not isinstance(message["record"], dict):
                raise InputError(
                    f"stream '{stream.name}': a record is not an object: {_shown(line)}"
                )
            self._add(stream, line)
        elif kind == "SCHEMA":
            self._register(message, line)
        elif kind == "STATE":
            if "value" not in message:
                raise InputError(f"STATE message without a value: {_shown(line)}")
            self._latest_state = message["value"]
        elif kind == "ACTIVATE_VERSION":
            stream = self._stream_of(message, line)
            if stream.name not in self._ignored_versions:
                self._ignored_versions.add(stream.name)
                logger.warning(
                    "stream '%s': ACTIVATE_VERSION is not supported; ignored", stream.name
                )
        elif kind == "BATCH":
            stream = self._stream_of(message, line)
            raise LoadError(
                f"stream '{stream.name}': BATCH messages are not supported; "
                "run the tap without batch_config"
            )
        else:
            raise InputError(f"unknown Singer message type '{kind}': {_shown(line)}")

    def _stream_of(self, message: dict, line: bytes, *required: str) -> StreamLoad:
        name = message.get("stream")
        missing = [key for key in required if key not in message]
        if not isinstance(name, str) or missing:
            what = ", ".join(["stream", *required])
            raise InputError(f"{message['type']} message needs {what}: {_shown(line)}")
        stream = self.streams.get(name)
        if stream is None:
            raise InputError(f"stream '{name}': {message['type']} arrived before its SCHEMA")
        return stream

    def _register(self, message: dict, line: bytes) -> None:
        name, schema = message.get("stream"), message.get("schema")
        keys = message.get("key_properties") or []
        if not isinstance(name, str) or not isinstance(schema, dict) or "properties" not in schema:
            raise InputError(f"SCHEMA message needs stream and schema.properties: {_shown(line)}")
        current = self.streams.get(name)
        if current is not None:
            if current.schema == schema and current.key_properties == list(keys):
                return
            # Load the old schema's records before any of the new one's, so that arrival
            # order (latest wins) holds across a mid-stream SCHEMA change.
            self.loader.load(current)
            current.close()
        stream = self.loader.open_stream(name, schema, keys)
        self.streams[name] = stream
        if (raw := _raw_name(name)) is not None:
            self._by_raw_name[raw] = stream


def run(config: t.Mapping[str, t.Any], source: t.BinaryIO) -> None:
    """Load the Singer messages of source (raises LoadError or InputError on a failure).

    Lines are read as bytes: decoding and re-encoding the records would cost more than reading
    their envelopes.
    """
    target = DirectTarget(config, sys.stdout)
    try:
        target.run(source)
    finally:
        target.close()
