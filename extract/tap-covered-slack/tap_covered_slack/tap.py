"""tap-covered-slack: Slack channels, users, user groups, messages and threads."""

from __future__ import annotations

import sys

import requests
from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from tap_covered_slack import streams


class TapCoveredSlack(Tap):
    name = "tap-covered-slack"

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_url",
            th.StringType,
            default="https://slack.com/api",
            description="Slack Web API base URL (the sandbox: http://127.0.0.1:PORT/slack/api).",
        ),
        th.Property(
            "token",
            th.StringType,
            required=True,
            secret=True,
            description="Bot token (xoxb-...) with channels:history, channels:read, "
            "users:read, usergroups:read.",
        ),
        th.Property(
            "channels",
            th.ArrayType(th.StringType),
            description="Channel names to read; empty reads every channel "
            "conversations.list returns.",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            description="Oldest message to read on a first sync.",
        ),
        th.Property(
            "thread_lookback_days",
            th.IntegerType(minimum=0),
            default=30,
            description="Days of history re-read before each channel's bookmark, to catch "
            "new replies, reactions and edits on recent parents.",
        ),
        th.Property(
            "page_size",
            th.IntegerType(minimum=1, maximum=999),
            default=200,
            description="`limit` per Slack request.",
        ),
        th.Property(
            "request_timeout",
            th.IntegerType(minimum=1),
            default=30,
            description="Seconds before a request is abandoned (and retried).",
        ),
    ).to_dict()

    def discover_streams(self) -> list[streams.SlackStream]:
        return [
            streams.ChannelsStream(self),
            streams.UsersStream(self),
            streams.UsergroupsStream(self),
            streams.MessagesStream(self),
            streams.ThreadsStream(self),
        ]

    @classmethod
    def invoke(cls, **kwargs) -> None:  # type: ignore[override]
        """Run the tap; an API failure ends it with one error line, not a traceback."""
        try:
            super().invoke(**kwargs)
        except (FatalAPIError, RetriableAPIError, requests.RequestException) as exc:
            # "error: " marks the line `covered pipeline` reports as the stage's failure.
            cls.logger.error("error: %s", exc)
            sys.exit(1)
