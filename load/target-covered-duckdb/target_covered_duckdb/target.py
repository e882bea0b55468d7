"""target-covered-duckdb on the Singer SDK: for runs with stream maps, flattening or validation.

cli.py sends every other run to the direct loop (direct.py); both write through loader.py.
"""

from __future__ import annotations

import typing as t

import click
from singer_sdk.exceptions import MappingError, SyncError
from singer_sdk.singerlib.exceptions import SingerReadError
from singer_sdk.target_base import Target

from target_covered_duckdb.cli import FAILED
from target_covered_duckdb.loader import Loader
from target_covered_duckdb.settings import config_schema
from target_covered_duckdb.sinks import DuckDBSink
from target_covered_duckdb.warehouse import LoadError

if t.TYPE_CHECKING:
    from singer_sdk.sinks import Sink


class TargetCoveredDuckDB(Target):
    """Loads Singer streams into tables of one DuckDB file, one transaction per batch."""

    name = "target-covered-duckdb"
    default_sink_class = DuckDBSink
    config_jsonschema = config_schema()

    def __init__(self, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        # All sinks share one connection: drain them one at a time.
        self.max_parallelism = 1
        self.loader = Loader(self.config)

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
                target.loader.close()
        except (LoadError, SyncError, SingerReadError, MappingError) as exc:
            cls.logger.error("%s%s", FAILED, " ".join(str(exc).split()))
            raise click.exceptions.Exit(1) from None


if __name__ == "__main__":
    TargetCoveredDuckDB.cli()
