"""Slack Web API stream base: auth, cursor pagination, ok:false handling, retries."""

from __future__ import annotations

import json
import typing as t
from datetime import UTC, datetime, timedelta
from functools import cached_property
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.pagination import BaseAPIPaginator
from singer_sdk.streams import RESTStream

if t.TYPE_CHECKING:
    from collections.abc import Generator, Iterable

    import requests
    from backoff.types import Details

# Retries are bounded: 1 try + 5 retries (1, 2, 4, 8, 16 s, or Slack's Retry-After).
MAX_TRIES = 6
MAX_BACKOFF_SECONDS = 30
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# What a user does about the errors that retrying cannot cure.
FIXES = {
    "not_authed": "set TAP_SLACK_TOKEN (a bot token, xoxb-…)",
    "invalid_auth": "check TAP_SLACK_TOKEN: it is revoked, mistyped or for another workspace",
    "token_revoked": "issue a new bot token and set TAP_SLACK_TOKEN",
    "missing_scope": "add the scopes listed in meltano.yml to the Slack app and reinstall it",
    "channel_not_found": "check TAP_SLACK_CHANNELS, and invite the bot to the channel",
    "not_in_channel": "invite the bot to the channel, or drop it from TAP_SLACK_CHANNELS",
}


class SlackError(FatalAPIError):
    """A failure that retrying will not fix: ok:false, HTTP 4xx, or a bad setting."""


class SlackRetriableError(RetriableAPIError):
    """A transient failure; `retry_after` is Slack's own wait hint, in seconds, if any."""

    def __init__(
        self, message: str, response: requests.Response, retry_after: float | None = None
    ) -> None:
        super().__init__(message, response)
        self.retry_after = retry_after


def ts_to_datetime(ts: str) -> datetime:
    """Parse a Slack ts ("1700000000.123456") exactly, without a float round trip."""
    seconds, _, fraction = ts.partition(".")
    return _EPOCH + timedelta(seconds=int(seconds), microseconds=int(fraction[:6].ljust(6, "0")))


def ts_key(ts: str) -> tuple[int, int]:
    """Order Slack ts strings exactly (float would lose the last microsecond digits)."""
    seconds, _, fraction = ts.partition(".")
    return int(seconds), int(fraction[:6].ljust(6, "0"))


def parse_start_date(value: str) -> datetime:
    """The start_date setting as an aware datetime (UTC when no offset is given)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise SlackError(f"start_date is not an ISO 8601 date-time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def datetime_to_ts(value: datetime) -> str:
    return f"{int(value.timestamp())}.{value.microsecond:06d}"


def _retry_after(response: requests.Response) -> float | None:
    header = response.headers.get("Retry-After")
    try:
        return float(header) if header is not None else None
    except ValueError:
        return None


class SlackCursorPaginator(BaseAPIPaginator[str | None]):
    """Slack's `response_metadata.next_cursor`; an empty cursor ends the listing."""

    def __init__(self) -> None:
        super().__init__(None)

    def get_next(self, response: requests.Response) -> str | None:
        metadata = response.slack_body.get("response_metadata") or {}
        return metadata.get("next_cursor") or None

    def continue_if_empty(self, response: requests.Response) -> bool:
        # Slack may answer an empty page that still carries a cursor (filtered listings).
        return self.get_next(response) is not None


class SlackStream(RESTStream[str | None]):
    """One Slack Web API method; `records_key` names the array holding the records."""

    records_key: str
    fields: tuple[str, ...]
    paginated = True
    # Records are built with exactly the schema's fields from plain JSON values (no floats
    # parsed as Decimal, no datetimes), so the SDK's per-value conformance walk (a third of
    # the emit cost) has nothing to convert.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    _schema_written = False

    @property
    def url_base(self) -> str:
        return self.config["api_url"].rstrip("/")

    @property
    def method(self) -> str:
        return self.path.lstrip("/")

    @cached_property
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.config["token"])

    @property
    def timeout(self) -> int:
        return self.config["request_timeout"]

    def _write_schema_message(self) -> None:
        # The SDK writes SCHEMA on every sync() call, i.e. once per channel for messages and
        # once per changed thread for threads (half the output on a full sync); once is enough.
        if not self._schema_written:
            super()._write_schema_message()
            self._schema_written = True

    def get_new_paginator(self) -> BaseAPIPaginator | None:
        return SlackCursorPaginator() if self.paginated else None

    def get_url_params(self, context: dict | None, next_page_token: str | None) -> dict:
        params: dict[str, t.Any] = {"limit": self.config["page_size"]} if self.paginated else {}
        if next_page_token:
            params["cursor"] = next_page_token
        return params

    def _failure(self, response: requests.Response, error: str) -> str:
        """`Slack <method> failed: <error> (channel C123); fix: …`, naming the channel if any."""
        channel = parse_qs(urlsplit(response.request.url or "").query).get("channel")
        where = f" (channel {channel[0]})" if channel else ""
        fix = FIXES.get(error)
        return f"Slack {self.method} failed: {error}{where}" + (f"; fix: {fix}" if fix else "")

    def validate_response(self, response: requests.Response) -> None:
        """Raise retriable or fatal errors; keep the parsed body on the response.

        Runs inside the SDK's retry decorator, so a truncated body (JSON decode
        error) is retried like a 5xx instead of crashing later in parse_response.
        """
        status = response.status_code
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            raise SlackRetriableError(
                self._failure(response, "ratelimited (HTTP 429)"), response, _retry_after(response)
            )
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise SlackRetriableError(self._failure(response, f"HTTP {status}"), response)
        if status >= HTTPStatus.BAD_REQUEST:
            raise SlackError(self._failure(response, f"HTTP {status}"))
        try:
            body = json.loads(response.content)
        except ValueError:
            raise SlackRetriableError(
                self._failure(response, "truncated or invalid JSON body"), response
            ) from None
        if not isinstance(body, dict):
            raise SlackRetriableError(self._failure(response, "unexpected JSON body"), response)
        if not body.get("ok"):
            error = body.get("error") or "unknown_error"
            if error == "ratelimited":
                raise SlackRetriableError(
                    self._failure(response, error), response, _retry_after(response)
                )
            raise SlackError(self._failure(response, error))
        # Parsed once here, read by parse_response and the paginator.
        response.slack_body = body

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        fields = self.fields
        for raw in response.slack_body.get(self.records_key) or ():
            yield {name: raw.get(name) for name in fields}

    def backoff_wait_generator(self) -> Generator[float, BaseException | None, None]:
        """Slack's Retry-After when it gives one, else exponential (1, 2, 4, ... s)."""
        exception = yield 0  # priming value, discarded by backoff
        attempt = 0
        while True:
            hint = exception.retry_after if isinstance(exception, SlackRetriableError) else None
            wait = hint if hint is not None else min(2**attempt, MAX_BACKOFF_SECONDS)
            attempt += 1
            exception = yield wait

    def backoff_max_tries(self) -> int:
        return MAX_TRIES

    def backoff_handler(self, details: Details) -> None:
        # The SDK's message says "failing with status 200: OK" for an ok:false ratelimited.
        self.logger.warning(
            "Retrying in %.1f s (try %d of %d): %s",
            details.get("wait", 0),
            details["tries"],
            MAX_TRIES,
            details.get("exception"),
        )
