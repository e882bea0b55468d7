"""Slack streams: channels, users, usergroups, messages (per channel) and threads."""

from __future__ import annotations

import typing as t
from datetime import datetime, timedelta

from singer_sdk import typing as th

from tap_covered_slack.client import (
    SlackError,
    SlackStream,
    datetime_to_ts,
    parse_start_date,
    ts_key,
    ts_to_datetime,
)

if t.TYPE_CHECKING:
    from collections.abc import Iterable

_JSON_OBJECT = th.ObjectType(additional_properties=True)
_JSON_OBJECTS = th.ArrayType(_JSON_OBJECT)
# Per-channel state key beside the SDK bookmark: the newest thread reply ts seen.
REPLY_STATE_KEY = "latest_reply_seen"


def _field_names(schema: dict, added: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The raw API fields a record keeps: the schema's columns minus the ones we add."""
    return tuple(name for name in schema["properties"] if name not in added)


class ChannelsStream(SlackStream):
    """conversations.list (public channels, Slack's default, so no groups:read scope is
    needed); the `channels` setting narrows it to the named channels."""

    name = "channels"
    path = "/conversations.list"
    records_key = "channels"
    primary_keys = ("id",)
    schema = th.PropertiesList(
        th.Property("id", th.StringType, required=True),
        th.Property("name", th.StringType),
        th.Property("created", th.IntegerType),
        th.Property("is_private", th.BooleanType),
        th.Property("is_archived", th.BooleanType),
        th.Property("is_general", th.BooleanType),
        th.Property("topic", _JSON_OBJECT),
        th.Property("purpose", _JSON_OBJECT),
        th.Property("num_members", th.IntegerType),
    ).to_dict()
    fields = _field_names(schema)

    def get_records(self, context: dict | None) -> Iterable[dict]:
        wanted = self.config.get("channels") or []
        if not wanted:
            yield from super().get_records(context)
            return
        # Listed in full first so a misspelt name fails before any history is read.
        by_name = {channel["name"]: channel for channel in super().get_records(context)}
        missing = [name for name in wanted if name not in by_name]
        if missing:
            msg = f"Slack conversations.list has no channel named {', '.join(missing)}"
            raise SlackError(msg)
        for name in wanted:
            yield by_name[name]

    def get_child_context(self, record: dict, context: dict | None) -> dict:
        return {"channel_id": record["id"]}


class UsersStream(SlackStream):
    name = "users"
    path = "/users.list"
    records_key = "members"
    primary_keys = ("id",)
    schema = th.PropertiesList(
        th.Property("id", th.StringType, required=True),
        th.Property("team_id", th.StringType),
        th.Property("name", th.StringType),
        th.Property("real_name", th.StringType),
        th.Property("deleted", th.BooleanType),
        th.Property("is_bot", th.BooleanType),
        th.Property("is_app_user", th.BooleanType),
        th.Property("tz", th.StringType),
        th.Property("updated", th.IntegerType),
        th.Property("profile", _JSON_OBJECT),
    ).to_dict()
    fields = _field_names(schema)


class UsergroupsStream(SlackStream):
    """usergroups.list with member ids; Slack does not paginate this method."""

    name = "usergroups"
    path = "/usergroups.list"
    records_key = "usergroups"
    primary_keys = ("id",)
    paginated = False
    schema = th.PropertiesList(
        th.Property("id", th.StringType, required=True),
        th.Property("team_id", th.StringType),
        th.Property("handle", th.StringType),
        th.Property("name", th.StringType),
        th.Property("description", th.StringType),
        th.Property("is_external", th.BooleanType),
        th.Property("date_create", th.IntegerType),
        th.Property("date_update", th.IntegerType),
        th.Property("date_delete", th.IntegerType),
        th.Property("users", th.ArrayType(th.StringType)),
        th.Property("user_count", th.IntegerType),
    ).to_dict()
    fields = _field_names(schema)

    def get_url_params(self, context: dict | None, next_page_token: str | None) -> dict:
        # Disabled groups too, so a deleted group's date_delete reaches the warehouse.
        return {"include_users": "true", "include_disabled": "true"}

    def post_process(self, row: dict, context: dict | None = None) -> dict:
        # Slack has sent user_count both as a number and as a numeric string.
        if isinstance(row["user_count"], str):
            row["user_count"] = int(row["user_count"])
        return row


MESSAGE_SCHEMA = th.PropertiesList(
    th.Property("channel_id", th.StringType, required=True),
    th.Property("ts", th.StringType, required=True),
    th.Property("ts_at", th.DateTimeType),
    th.Property("type", th.StringType),
    th.Property("subtype", th.StringType),
    th.Property("user", th.StringType),
    th.Property("bot_id", th.StringType),
    th.Property("username", th.StringType),
    th.Property("text", th.StringType),
    th.Property("thread_ts", th.StringType),
    th.Property("reply_count", th.IntegerType),
    th.Property("reply_users_count", th.IntegerType),
    th.Property("latest_reply", th.StringType),
    th.Property("reply_users", th.ArrayType(th.StringType)),
    th.Property(
        "reactions",
        th.ArrayType(
            th.ObjectType(
                th.Property("name", th.StringType),
                th.Property("users", th.ArrayType(th.StringType)),
                th.Property("count", th.IntegerType),
            )
        ),
    ),
    th.Property(
        "edited",
        th.ObjectType(th.Property("user", th.StringType), th.Property("ts", th.StringType)),
    ),
    th.Property("files", _JSON_OBJECTS),
    th.Property("attachments", _JSON_OBJECTS),
    th.Property("blocks", _JSON_OBJECTS),
    th.Property("client_msg_id", th.StringType),
).to_dict()


class _MessageStream(SlackStream):
    """History entries and replies share one record shape, keyed by (channel_id, ts)."""

    records_key = "messages"
    primary_keys = ("channel_id", "ts")
    schema = MESSAGE_SCHEMA
    fields = _field_names(MESSAGE_SCHEMA, added=("channel_id", "ts_at"))

    def post_process(self, row: dict, context: dict | None = None) -> dict | None:
        row["channel_id"] = context["channel_id"]
        row["ts_at"] = ts_to_datetime(row["ts"]).isoformat(timespec="microseconds")
        return row


class MessagesStream(_MessageStream):
    """conversations.history per channel: top-level messages, newest first.

    State per channel: the largest `ts` (the SDK bookmark) and `latest_reply_seen`,
    the newest reply ts seen on any parent. Each run re-reads history from
    bookmark - thread_lookback_days, so recent parents come back with their current
    reactions and reply counts, and re-reads only the threads whose latest_reply is
    newer than anything the previous run saw (see README).
    """

    name = "messages"
    path = "/conversations.history"
    parent_stream_type = ChannelsStream
    replication_key = "ts"

    def get_records(self, context: dict | None) -> Iterable[dict]:
        # The previous run's finalized values: this run's max ts sits in progress
        # markers until the channel is complete (history is unsorted for the SDK).
        state = self.get_context_state(context)
        bookmark = state.get("replication_key_value")
        seen = [ts_key(value) for value in (bookmark, state.get(REPLY_STATE_KEY)) if value]
        self._thread_floor = max(seen) if seen else None
        self._newest_reply: str | None = state.get(REPLY_STATE_KEY)
        floors: list[datetime] = []
        if bookmark:
            lookback = timedelta(days=self.config["thread_lookback_days"])
            floors.append(ts_to_datetime(bookmark) - lookback)
        if start_date := self.config.get("start_date"):
            floors.append(parse_start_date(start_date))
        self._oldest = datetime_to_ts(max(floors)) if floors else None
        yield from super().get_records(context)
        # Reached only once every message of the channel (and its changed threads)
        # has been emitted, so a failed run never records replies it did not read.
        if self._newest_reply and any(child.selected for child in self.child_streams):
            state[REPLY_STATE_KEY] = self._newest_reply

    def get_url_params(self, context: dict | None, next_page_token: str | None) -> dict:
        params = super().get_url_params(context, next_page_token)
        params["channel"] = context["channel_id"]
        if self._oldest:
            params["oldest"] = self._oldest
        return params

    def generate_child_contexts(self, record: dict, context: dict | None) -> Iterable[dict]:
        """Only threads with a reply newer than anything the previous run saw.

        A reply posted after the previous run read this channel has a ts above
        everything that run saw, so every new reply of a parent still inside the
        lookback window is caught, and unchanged threads cost no request.
        """
        if not record["reply_count"]:
            return
        latest = record["latest_reply"] or record["ts"]
        latest_key = ts_key(latest)
        if self._newest_reply is None or latest_key > ts_key(self._newest_reply):
            self._newest_reply = latest
        if self._thread_floor is None or latest_key > self._thread_floor:
            yield {"channel_id": context["channel_id"], "thread_ts": record["ts"]}


class ThreadsStream(_MessageStream):
    """conversations.replies for each changed thread; the parent itself is skipped.

    Driven entirely by the messages bookmark, so it keeps no state of its own
    (no state partition per thread).
    """

    name = "threads"
    path = "/conversations.replies"
    parent_stream_type = MessagesStream
    state_partitioning_keys: t.ClassVar[list[str]] = []

    def get_url_params(self, context: dict | None, next_page_token: str | None) -> dict:
        params = super().get_url_params(context, next_page_token)
        params["channel"] = context["channel_id"]
        params["ts"] = context["thread_ts"]
        return params

    def post_process(self, row: dict, context: dict | None = None) -> dict | None:
        if row["ts"] == context["thread_ts"]:
            return None
        return super().post_process(row, context)
