"""One sink per stream (and per SCHEMA of it): spools RECORD lines to a file, loads it per batch."""

from __future__ import annotations

import datetime
import time
import typing as t
import uuid

from singer_sdk.exceptions import InvalidRecord
from singer_sdk.singerlib.json import serialize_json
from singer_sdk.sinks import Sink

from target_covered_duckdb.columns import columns_from_schema
from target_covered_duckdb.warehouse import Batch, LoadError

if t.TYPE_CHECKING:
    from target_covered_duckdb.target import TargetCoveredDuckDB

_SPOOL_BUFFER_BYTES = 1 << 20


class DuckDBSink(Sink):
    """Writes each batch to DuckDB through read_json, never row by row."""

    def __init__(
        self,
        target: TargetCoveredDuckDB,
        stream_name: str,
        schema: dict,
        key_properties: t.Sequence[str] | None,
    ) -> None:
        self._target = target
        super().__init__(target, stream_name, schema, key_properties)
        self.columns = columns_from_schema(self.schema)
        self._spool_path = target.spool_dir / f"{uuid.uuid4().hex}.jsonl"
        # A 1 MiB buffer instead of 8 KiB: a quarter less CPU for spooling ~1 KB records.
        self._spool = self._spool_path.open("w", encoding="utf-8", buffering=_SPOOL_BUFFER_BYTES)
        self._first_sequence = 0
        self._last_sequence = 0

    @property
    def target_schema(self) -> str:
        return self.config["default_target_schema"]

    @property
    def include_sdc_metadata_properties(self) -> bool:
        # Always on: the metadata columns are part of the raw-table contract, and this is how
        # the SDK hands a mapped record's message fields (time_extracted, version) to the sink.
        return True

    @property
    def validate_schema(self) -> bool:
        return self.config.get("validate_records", False)

    def setup(self) -> None:
        self._target.warehouse.prepare_table(self.target_schema, self.stream_name, self.columns)

    def add_line(self, line: str) -> None:
        """Spool one RECORD message line, with its arrival sequence number spliced in.

        The sequence is the arrival time in microseconds, forced strictly increasing: it
        orders the duplicates of a key (latest wins), marks which rows a batch inserted, and
        doubles as _sdc_received_at.
        """
        sequence = time.time_ns() // 1000
        if sequence <= self._last_sequence:
            sequence = self._last_sequence + 1
        if not self._first_sequence:
            self._first_sequence = sequence
        self._last_sequence = sequence
        self._spool.write(f'{{"_q":{sequence},')
        self._spool.write(line[1:] if line.endswith("\n") else line[1:] + "\n")

    # The SDK's own record path, used when stream maps, flattening or validation are on.

    def _add_sdc_metadata_to_record(self, record: dict, message: dict, context: dict) -> None:
        record["_sdc_extracted_at"] = message.get("time_extracted")
        record["_sdc_table_version"] = message.get("version")

    def _add_sdc_metadata_to_schema(self) -> None:
        """The metadata columns come from columns.METADATA_COLUMNS, not from the schema."""

    def _validate_and_parse(self, record: dict) -> dict:
        """Validate only: DuckDB parses timestamps when it reads the batch."""
        if self._validator is not None:
            try:
                self._validator.validate(record)
            except InvalidRecord as exc:
                field = "/".join(str(part) for part in getattr(exc.__cause__, "path", []))
                raise LoadError(
                    f"stream '{self.stream_name}': field '{field}': {exc.error_message}"
                ) from None
        return record

    def process_record(self, record: dict, context: dict) -> None:
        message = {
            "type": "RECORD",
            "stream": self.stream_name,
            "record": record,
            "time_extracted": record.pop("_sdc_extracted_at", None),
            "version": record.pop("_sdc_table_version", None),
        }
        self.add_line(serialize_json(message) + "\n")

    def process_batch(self, context: dict) -> None:
        self._spool.flush()
        load_method = self.config["load_method"]
        batch = Batch(
            stream=self.stream_name,
            schema=self.target_schema,
            table=self.stream_name,
            columns=self.columns,
            keys=self.key_properties if load_method != "append-only" else [],
            file=self._spool_path,
            batched_at=datetime.datetime.now(tz=datetime.UTC).isoformat(),
            sync_started_at=self.sync_started_at,
            first_sequence=self._first_sequence,
            last_sequence=self._last_sequence,
            truncate_first=load_method == "overwrite" and self._target.claim_overwrite(self),
        )
        inserted, replaced = self._target.warehouse.load(batch)
        self.logger.info(
            "Loaded %d records into %s.%s, replacing %d older rows",
            inserted,
            batch.schema,
            batch.table,
            replaced,
        )
        self._spool.seek(0)
        self._spool.truncate()
        self._first_sequence = 0

    def process_batch_files(self, encoding: t.Any, files: t.Sequence[str]) -> None:
        raise LoadError(
            f"stream '{self.stream_name}': BATCH messages are not supported; "
            "run the tap without batch_config"
        )

    def clean_up(self) -> None:
        super().clean_up()
        self._spool.close()
        self._spool_path.unlink(missing_ok=True)
