"""tap-covered-hubspot: HubSpot owners, tickets, Conversations threads and messages."""

from __future__ import annotations

import sys

import requests
from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from tap_covered_hubspot import streams
from tap_covered_hubspot.client import MAX_TRIES


class TapCoveredHubSpot(Tap):
    name = "tap-covered-hubspot"

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_url",
            th.StringType,
            default="https://api.hubapi.com",
            description="HubSpot API base URL (the sandbox: http://127.0.0.1:PORT/hubspot).",
        ),
        th.Property(
            "access_token",
            th.StringType,
            required=True,
            secret=True,
            description="Private app access token with the tickets, crm.objects.owners.read "
            "and conversations.read scopes.",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            description="Oldest ticket modification and thread message to read on a first sync.",
        ),
        th.Property(
            "page_size",
            th.IntegerType(minimum=1, maximum=500),
            default=100,
            description="`limit` per request (ticket search caps it at 200).",
        ),
        th.Property(
            "request_timeout",
            th.IntegerType(minimum=1),
            default=30,
            description="Seconds before a request is abandoned (and retried).",
        ),
    ).to_dict()

    def discover_streams(self) -> list[streams.HubSpotStream]:
        return [
            streams.OwnersStream(self),
            streams.TicketsStream(self),
            streams.ThreadsStream(self),
            streams.MessagesStream(self),
        ]

    @classmethod
    def invoke(cls, **kwargs) -> None:  # type: ignore[override]
        """Run the tap; an API failure ends it with one error line, not a traceback."""
        try:
            super().invoke(**kwargs)
        except (FatalAPIError, RetriableAPIError) as exc:
            # "error: " marks the line `covered pipeline` reports as the stage's failure.
            cls.logger.error("error: %s", exc)
            sys.exit(1)
        except requests.RequestException as exc:
            cls.logger.error("error: HubSpot unreachable after %d tries: %s", MAX_TRIES, exc)
            sys.exit(1)
