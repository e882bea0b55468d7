"""HubSpot streams: owners, tickets (CRM search), Conversations threads and their messages."""

from __future__ import annotations

import typing as t
from datetime import UTC, datetime, timedelta

from singer_sdk import typing as th
from singer_sdk.pagination import BaseAPIPaginator

from tap_covered_hubspot.client import (
    HubSpotAPIError,
    HubSpotStream,
    format_datetime,
    hubspot_datetime,
    hubspot_id,
    next_after,
)

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests

_JSON_OBJECTS = th.ArrayType(th.ObjectType(additional_properties=True))
# HubSpot search serves at most this many results per query; asking for more is an error.
SEARCH_RESULT_CAP = 10_000
# Before any bookmark or start_date: threads need a lower bound to sort by latest message.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BEGINNING = format_datetime(_EPOCH)


class OwnersStream(HubSpotStream):
    """GET /crm/v3/owners, active owners then archived ones (former agents still own tickets)."""

    name = "owners"
    path = "/crm/v3/owners"
    max_page_size = 500
    schema = th.PropertiesList(
        th.Property("id", th.StringType, required=True),
        th.Property("email", th.StringType),
        th.Property("first_name", th.StringType),
        th.Property("last_name", th.StringType),
        th.Property("user_id", th.IntegerType),
        th.Property("created_at", th.DateTimeType),
        th.Property("updated_at", th.DateTimeType),
        th.Property("archived", th.BooleanType),
    ).to_dict()

    @property
    def partitions(self) -> list[dict]:
        return [{"archived": False}, {"archived": True}]

    def get_url_params(self, context: dict | None, next_page_token: t.Any) -> dict:
        params = super().get_url_params(context, next_page_token)
        params["archived"] = "true" if context and context["archived"] else "false"
        return params

    def to_record(self, raw: dict) -> dict:
        return {
            "id": hubspot_id(raw.get("id")),
            "email": raw.get("email"),
            "first_name": raw.get("firstName"),
            "last_name": raw.get("lastName"),
            "user_id": raw.get("userId"),
            "created_at": hubspot_datetime(raw.get("createdAt"), "owner createdAt"),
            "updated_at": hubspot_datetime(raw.get("updatedAt"), "owner updatedAt"),
            "archived": bool(raw.get("archived", False)),
        }


# Ticket properties read (metrics.md uses each), flattened to columns of the same name.
TICKET_TEXT_PROPERTIES = (
    "subject",
    "content",
    "hs_ticket_category",
    "hubspot_owner_id",
    "source_type",
    "hs_pipeline",
    "hs_pipeline_stage",
    "hs_ticket_priority",
    "hs_conversations_originating_thread_id",
)
TICKET_DATE_PROPERTIES = (
    "createdate",
    "hs_lastmodifieddate",
    "first_agent_reply_date",
    "closed_date",
)


class SearchPaginator(BaseAPIPaginator[tuple[str | None, str | None]]):
    """(lower bound, after) pages of a search sorted ascending by the replication key.

    Search stops at SEARCH_RESULT_CAP results per query, so when the next page would pass it
    the query starts over from the last value seen; the stream skips the records it already
    emitted at that value.
    """

    def __init__(self, stream: TicketsStream, lower: str | None) -> None:
        super().__init__((lower, None))
        self.stream = stream

    def get_next(self, response: requests.Response) -> tuple[str | None, str | None] | None:
        lower, _ = self.current_value
        after = next_after(response)
        if after is None:
            return None
        if not (after.isdigit() and int(after) >= SEARCH_RESULT_CAP):
            return lower, after
        restart = self.stream.last_value
        if restart == lower:
            msg = (
                f"HubSpot ticket search: more than {SEARCH_RESULT_CAP} tickets share "
                f"hs_lastmodifieddate {lower}, which search cannot page past"
            )
            raise HubSpotAPIError(msg)
        self.stream.skip_ids_at_restart()
        return restart, None

    def continue_if_empty(self, response: requests.Response) -> bool:
        # After a restart, whole pages can be tickets already emitted, so yield nothing.
        return next_after(response) is not None


class TicketsStream(HubSpotStream):
    """POST /crm/v3/objects/tickets/search, incremental on hs_lastmodifieddate."""

    name = "tickets"
    path = "/crm/v3/objects/tickets/search"
    http_method = "POST"
    max_page_size = 200
    replication_key = "hs_lastmodifieddate"
    is_sorted = True
    schema = th.PropertiesList(
        th.Property("id", th.StringType, required=True),
        th.Property("created_at", th.DateTimeType),
        th.Property("updated_at", th.DateTimeType),
        th.Property("archived", th.BooleanType),
        *(th.Property(name, th.StringType) for name in TICKET_TEXT_PROPERTIES),
        *(th.Property(name, th.DateTimeType) for name in TICKET_DATE_PROPERTIES),
    ).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        # The newest hs_lastmodifieddate seen and the ids emitted at it, for a restart.
        self.last_value: str | None = None
        self._ids_at_last_value: set[str] = set()
        self._skip: tuple[str | None, set[str]] = (None, set())

    def skip_ids_at_restart(self) -> None:
        self._skip = (self.last_value, set(self._ids_at_last_value))

    def get_new_paginator(self) -> SearchPaginator:
        start = self.get_starting_timestamp(None)
        return SearchPaginator(self, format_datetime(start) if start else None)

    def get_url_params(self, context: dict | None, next_page_token: t.Any) -> dict:
        return {}

    def prepare_request_payload(self, context: dict | None, next_page_token: t.Any) -> dict:
        lower, after = next_page_token or (None, None)
        payload: dict[str, t.Any] = {
            "sorts": [{"propertyName": self.replication_key, "direction": "ASCENDING"}],
            "properties": [*TICKET_TEXT_PROPERTIES, *TICKET_DATE_PROPERTIES],
            "limit": self.page_size,
        }
        if lower is not None:
            # Search filters take dates as epoch milliseconds; integer math, since a float
            # off by one millisecond would re-read tickets a restart must not repeat.
            millis = (datetime.fromisoformat(lower) - _EPOCH) // timedelta(milliseconds=1)
            payload["filterGroups"] = [
                {
                    "filters": [
                        {
                            "propertyName": self.replication_key,
                            "operator": "GTE",
                            "value": str(millis),
                        }
                    ]
                }
            ]
        if after is not None:
            payload["after"] = after
        return payload

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        skip_value, skip_ids = self._skip
        for record in super().parse_response(response):
            value = record[self.replication_key]
            if value == skip_value and record["id"] in skip_ids:
                continue
            if value != self.last_value:
                self.last_value, self._ids_at_last_value = value, set()
            self._ids_at_last_value.add(record["id"])
            yield record

    def to_record(self, raw: dict) -> dict:
        props = raw.get("properties") or {}
        record: dict[str, t.Any] = {
            "id": hubspot_id(raw.get("id")),
            "created_at": hubspot_datetime(raw.get("createdAt"), "ticket createdAt"),
            "updated_at": hubspot_datetime(raw.get("updatedAt"), "ticket updatedAt"),
            "archived": bool(raw.get("archived", False)),
        }
        for name in TICKET_TEXT_PROPERTIES:
            value = props.get(name)
            record[name] = None if value in (None, "") else str(value)
        for name in TICKET_DATE_PROPERTIES:
            record[name] = hubspot_datetime(props.get(name), f"ticket property {name}")
        return record


class ThreadsStream(HubSpotStream):
    """Conversations threads with their ticket, newest-message order, incremental on it."""

    name = "threads"
    path = "/conversations/v3/conversations/threads"
    max_page_size = 500
    replication_key = "latest_message_timestamp"
    is_sorted = True
    schema = th.PropertiesList(
        th.Property("id", th.StringType, required=True),
        th.Property("created_at", th.DateTimeType),
        th.Property("closed_at", th.DateTimeType),
        th.Property("status", th.StringType),
        th.Property("inbox_id", th.StringType),
        th.Property("assigned_to", th.StringType),
        th.Property("original_channel_id", th.StringType),
        th.Property("original_channel_account_id", th.StringType),
        th.Property("associated_contact_id", th.StringType),
        th.Property("latest_message_timestamp", th.DateTimeType),
        th.Property("spam", th.BooleanType),
        th.Property("archived", th.BooleanType),
        th.Property("associated_ticket_id", th.StringType),
    ).to_dict()

    def get_url_params(self, context: dict | None, next_page_token: t.Any) -> dict:
        params = super().get_url_params(context, next_page_token)
        start = self.get_starting_timestamp(context)
        params.update(
            association="TICKET",
            sort="latestMessageTimestamp",
            latestMessageTimestampAfter=format_datetime(start) if start else _BEGINNING,
        )
        return params

    def to_record(self, raw: dict) -> dict:
        associations = raw.get("threadAssociations") or {}
        return {
            "id": hubspot_id(raw.get("id")),
            "created_at": hubspot_datetime(raw.get("createdAt"), "thread createdAt"),
            "closed_at": hubspot_datetime(raw.get("closedAt"), "thread closedAt"),
            "status": raw.get("status"),
            "inbox_id": hubspot_id(raw.get("inboxId")),
            "assigned_to": hubspot_id(raw.get("assignedTo")),
            "original_channel_id": hubspot_id(raw.get("originalChannelId")),
            "original_channel_account_id": hubspot_id(raw.get("originalChannelAccountId")),
            "associated_contact_id": hubspot_id(raw.get("associatedContactId")),
            "latest_message_timestamp": hubspot_datetime(
                raw.get("latestMessageTimestamp"), "thread latestMessageTimestamp"
            ),
            "spam": raw.get("spam"),
            "archived": bool(raw.get("archived", False)),
            "associated_ticket_id": hubspot_id(associations.get("associatedTicketId")),
        }

    def get_child_context(self, record: dict, context: dict | None) -> dict:
        return {"thread_id": record["id"]}


class MessagesStream(HubSpotStream):
    """The messages of each thread the threads stream emitted in this run."""

    name = "messages"
    path = "/conversations/v3/conversations/threads/{thread_id}/messages"
    parent_stream_type = ThreadsStream
    max_page_size = 500
    # One state for the stream, not one partition per thread.
    state_partitioning_keys: t.ClassVar[list[str]] = []
    schema = th.PropertiesList(
        th.Property("id", th.StringType, required=True),
        th.Property("thread_id", th.StringType),
        th.Property("type", th.StringType),
        th.Property("created_at", th.DateTimeType),
        th.Property("updated_at", th.DateTimeType),
        th.Property("direction", th.StringType),
        th.Property("channel_id", th.StringType),
        th.Property("text", th.StringType),
        th.Property("subject", th.StringType),
        th.Property("sender_actor_ids", th.ArrayType(th.StringType)),
        th.Property("senders", _JSON_OBJECTS),
        th.Property("truncation_status", th.StringType),
    ).to_dict()

    def post_process(self, row: dict, context: dict | None = None) -> dict:
        row["thread_id"] = context["thread_id"] if context else None
        return row

    def to_record(self, raw: dict) -> dict:
        senders = raw.get("senders") or []
        return {
            "id": hubspot_id(raw.get("id")),
            "thread_id": None,
            "type": raw.get("type"),
            "created_at": hubspot_datetime(raw.get("createdAt"), "message createdAt"),
            "updated_at": hubspot_datetime(raw.get("updatedAt"), "message updatedAt"),
            "direction": raw.get("direction"),
            "channel_id": hubspot_id(raw.get("channelId")),
            "text": raw.get("text"),
            "subject": raw.get("subject"),
            "sender_actor_ids": [s.get("actorId") for s in senders if isinstance(s, dict)],
            "senders": senders,
            "truncation_status": raw.get("truncationStatus"),
        }
