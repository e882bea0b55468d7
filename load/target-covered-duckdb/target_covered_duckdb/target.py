"""target-covered-duckdb: a Singer target that bulk-loads into DuckDB with upserts."""

from __future__ import annotations

import json
import shutil
import tempfile
import typing as t
from collections import Counter
from pathlib import Path

import click
from singer_sdk import typing as th
from singer_sdk.exceptions import MappingError, SyncError
from singer_sdk.helpers.capabilities import TargetLoadMethods
from singer_sdk.io_base import SingerMessageType, SingerReader
from singer_sdk.mapper import SameRecordTransform
from singer_sdk.singerlib.exceptions import InvalidInputLine, SingerReadError
from singer_sdk.singerlib.json import deserialize_json
from singer_sdk.target_base import Target

from target_covered_duckdb.sinks import DuckDBSink
from target_covered_duckdb.warehouse import LoadError, Warehouse

if t.TYPE_CHECKING:
    from singer_sdk.sinks import Sink

# How Singer SDK taps (and most others) start a RECORD line. Such a line is routed by its
# stream name alone and handed to DuckDB as it is; anything else is parsed in Python.
_RECORD_PREFIX = '{"type":"RECORD","stream":"'
RAW_LINE = "_raw_line"
_SHOWN_LINE_CHARS = 200


class RecordLineReader(SingerReader):
    """Parses SCHEMA/STATE lines; hands RECORD lines to DuckDB unparsed where it can."""

    take_record_line: t.Callable[[str, str], bool] | None = None
    """Set by the target: takes (stream, line) of a RECORD, False if it needs parsing."""

    def process_lines(
        self, file_input: t.IO[str] | None, callbacks: dict[str, t.Callable[[dict], None]]
    ) -> t.Counter[str]:
        """The SDK's loop, with a fast lane for RECORD lines in the usual layout."""
        take = self.take_record_line
        counts: t.Counter[str] = Counter()
        taken = 0
        for line in file_input or self.default_input:
            if take is not None and line.startswith(_RECORD_PREFIX):
                stream = line[len(_RECORD_PREFIX) : line.find('"', len(_RECORD_PREFIX))]
                # A backslash means an escape: the raw text is not the stream's name.
                if "\\" not in stream and take(stream, line):
                    taken += 1
                    continue
            message = self.deserialize_json(line)
            self.assert_line_requires(message, requires={"type"})
            if callback := callbacks.get(message["type"]):
                callback(message)
            else:
                self._process_unknown_message(message)
            counts[message["type"]] += 1
        counts[SingerMessageType.RECORD] += taken
        return counts

    def deserialize_json(self, line: str) -> dict:
        try:
            message = deserialize_json(line)
        except json.JSONDecodeError:
            shown = line.strip()[:_SHOWN_LINE_CHARS]
            raise InvalidInputLine(f"input line is not valid JSON: {shown}") from None
        if isinstance(message, dict) and message.get("type") == "RECORD":
            message[RAW_LINE] = line.lstrip()
        return message


class TargetCoveredDuckDB(Target):
    """Loads Singer streams into tables of one DuckDB file, one transaction per batch."""

    name = "target-covered-duckdb"
    default_sink_class = DuckDBSink
    message_reader_class = RecordLineReader

    config_jsonschema = th.PropertiesList(
        th.Property(
            "path",
            th.StringType,
            required=True,
            title="DuckDB file",
            description="The DuckDB database file to load into; created if missing.",
        ),
        th.Property(
            "default_target_schema",
            th.StringType,
            default="main",
            title="Target schema",
            description="Schema the stream tables are created in; Meltano passes the "
            "extractor's load_schema (e.g. raw_slack).",
        ),
        th.Property(
            "batch_size_rows",
            th.IntegerType,
            # Each batch is committed to DuckDB's write-ahead log and rewritten at checkpoint;
            # 10x fewer batches than the SDK's 10,000 saves about a fifth of the CPU.
            default=100_000,
            title="Batch size",
            description="Records per stream loaded in one transaction.",
        ),
        th.Property(
            "validate_records",
            th.BooleanType,
            default=False,
            title="Validate records",
            description="Validate each record against its JSON schema in Python first. Off by "
            "default: the taps are typed, and DuckDB casts every value to its column type "
            "and fails the batch loudly, naming the stream and column, on a bad one.",
        ),
        th.Property(
            "load_method",
            th.StringType,
            default=TargetLoadMethods.UPSERT.value,
            allowed_values=[m.value for m in TargetLoadMethods],
            title="Load method",
            description="upsert: replace rows by the stream's key (latest record wins); "
            "append-only: insert every record; overwrite: empty each table on its first "
            "batch of the run, then upsert.",
        ),
    ).to_dict()

    def __init__(self, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        # All sinks share one connection: drain them one at a time.
        self.max_parallelism = 1
        self._direct_sinks: dict[str, DuckDBSink] = {}
        self.message_reader.take_record_line = self._take_record_line
        self._overwritten: set[str] = set()
        self.warehouse = Warehouse(Path(self.config["path"]).expanduser())
        self.spool_dir = Path(tempfile.mkdtemp(prefix="target-covered-duckdb-"))

    def close(self) -> None:
        """Release the DuckDB file (and its lock) and the spool files."""
        self.warehouse.close()
        shutil.rmtree(self.spool_dir, ignore_errors=True)

    def claim_overwrite(self, sink: DuckDBSink) -> bool:
        """True once per table and run: the batch that empties it for load_method overwrite."""
        table = f"{sink.target_schema}.{sink.stream_name}"
        first = table not in self._overwritten
        self._overwritten.add(table)
        return first

    def get_sink(
        self,
        stream_name: str,
        *,
        record: dict | None = None,
        schema: dict | None = None,
        key_properties: t.Sequence[str] | None = None,
    ) -> Sink:
        existing = self._sinks_active.get(stream_name)
        if (
            schema is not None
            and existing is not None
            and (existing.original_schema != schema or existing.key_properties != key_properties)
        ):
            # Load the old schema's records before any of the new one's, so that arrival
            # order (latest wins) holds across a mid-stream SCHEMA change.
            self.drain_one(existing)
        return super().get_sink(
            stream_name, record=record, schema=schema, key_properties=key_properties
        )

    def _process_schema_message(self, message_dict: dict) -> None:
        super()._process_schema_message(message_dict)
        stream = message_dict["stream"]
        maps = self.mapper.stream_maps.get(stream, [])
        direct = (
            not self.config.get("validate_records", False)
            and len(maps) == 1
            and type(maps[0]) is SameRecordTransform
            and maps[0].stream_alias == stream
            and not maps[0].flattening_enabled
        )
        if direct:
            self._direct_sinks[stream] = self._sinks_active[stream]
        else:
            self._direct_sinks.pop(stream, None)

    def _take_record_line(self, stream: str, line: str) -> bool:
        """Spool a RECORD line as it is, when no stream map or validation needs the record."""
        sink = self._direct_sinks.get(stream)
        if sink is None:
            return False
        sink.add_line(line)
        sink.tally_record_read()
        sink.record_counter_metric.increment()
        if sink.is_full:
            self.drain_one(sink)
        self._handle_max_record_age()
        return True

    def _process_record_message(self, message_dict: dict) -> None:
        line = message_dict.pop(RAW_LINE, None)
        if line is not None and self._take_record_line(message_dict["stream"], line):
            return
        super()._process_record_message(message_dict)

    @classmethod
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> t.Any:
        """The SDK's --config parsing, with a missing or broken file as a usage error."""
        try:
            return super().cb_config(ctx, param, value)
        except (OSError, ValueError) as exc:
            raise click.BadParameter(str(exc)) from None

    @classmethod
    def invoke(  # type: ignore[override]
        cls,
        *,
        about: bool = False,
        about_format: str | None = None,
        config: t.Any = None,
        file_input: t.IO[str] | None = None,
    ) -> None:
        """Target.invoke, plus closing the DuckDB file on every exit and one-line errors."""
        super(Target, cls).invoke(about=about, about_format=about_format)
        cls.print_version(print_fn=cls.logger.info)
        try:
            target = cls(
                config=config.config if config else None,
                validate_config=True,
                parse_env_config=bool(config and config.parse_env),
            )
            try:
                target.listen(file_input)
            finally:
                target.close()
        except (LoadError, SyncError, SingerReadError, MappingError) as exc:
            cls.logger.error("%s", " ".join(str(exc).split()))
            raise click.exceptions.Exit(1) from None


if __name__ == "__main__":
    TargetCoveredDuckDB.cli()
