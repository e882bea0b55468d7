"""The SDK's sink for a stream (and a SCHEMA of it): its records go to the loader's spool file."""

from __future__ import annotations

import typing as t

from singer_sdk.exceptions import InvalidRecord
from singer_sdk.singerlib.json import serialize_json
from singer_sdk.sinks import Sink

from target_covered_duckdb.warehouse import LoadError

if t.TYPE_CHECKING:
    from target_covered_duckdb.target import TargetCoveredDuckDB


class DuckDBSink(Sink):
    """Writes each batch to DuckDB through the loader, never row by row."""

    def __init__(
        self,
        target: TargetCoveredDuckDB,
        stream_name: str,
        schema: dict,
        key_properties: t.Sequence[str] | None,
    ) -> None:
        super().__init__(target, stream_name, schema, key_properties)
        self._loader = target.loader
        self._stream = target.loader.open_stream(stream_name, self.schema, key_properties)

    @property
    def include_sdc_metadata_properties(self) -> bool:
        # Always on: the metadata columns are part of the raw-table contract, and this is how
        # the SDK hands a mapped record's message fields (time_extracted, version) to the sink.
        return True

    @property
    def validate_schema(self) -> bool:
        return self.config.get("validate_records", False)

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
        self._stream.add_line(serialize_json(message).encode())

    def process_batch(self, context: dict) -> None:
        self._loader.load(self._stream)

    def process_batch_files(self, encoding: t.Any, files: t.Sequence[str]) -> None:
        raise LoadError(
            f"stream '{self.stream_name}': BATCH messages are not supported; "
            "run the tap without batch_config"
        )

    def clean_up(self) -> None:
        super().clean_up()
        self._stream.close()
