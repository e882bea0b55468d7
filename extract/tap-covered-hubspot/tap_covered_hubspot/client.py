"""HubSpot stream base: bearer auth, `paging.next.after` pages, error handling and retries."""

from __future__ import annotations

import json
import typing as t
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from urllib.parse import urlsplit

from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.pagination import BaseAPIPaginator
from singer_sdk.streams import RESTStream

if t.TYPE_CHECKING:
    from collections.abc import Generator, Iterable

    import requests

# Retries are bounded: 1 try + 5 retries (1, 2, 4, 8, 16 s, or HubSpot's Retry-After).
MAX_TRIES = 6
MAX_BACKOFF_SECONDS = 30
# A Retry-After beyond this is treated as a broken header rather than waited out.
MAX_RETRY_AFTER_SECONDS = 120
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_AUTH_FIX = (
    "check TAP_HUBSPOT_ACCESS_TOKEN (a private app token with the tickets, "
    "crm.objects.owners.read and conversations.read scopes)"
)


class HubSpotAPIError(FatalAPIError):
    """A HubSpot answer that retrying will not fix (401/403, other 4xx, unreadable data)."""


class HubSpotRetriableError(RetriableAPIError):
    """A transient failure; `retry_after` is HubSpot's own wait hint in seconds, if any."""

    def __init__(
        self, message: str, response: requests.Response, retry_after: float | None = None
    ) -> None:
        super().__init__(message, response)
        self.retry_after = retry_after


def format_datetime(value: datetime) -> str:
    """HubSpot's own encoding: UTC, milliseconds, `Z`.

    One fixed format keeps bookmarks comparable as text, which is how the SDK compares
    replication key values.
    """
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def hubspot_datetime(value: object, field: str) -> str | None:
    """A HubSpot date (ISO 8601 or epoch milliseconds; "" when unset) in one format."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        if isinstance(value, int) or text.isdigit():
            parsed = _EPOCH + timedelta(milliseconds=int(text))
        else:
            parsed = datetime.fromisoformat(text)
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise HubSpotAPIError(f"HubSpot sent an unreadable date in {field}: {value!r}") from None
    return format_datetime(parsed)


def hubspot_id(value: object) -> str | None:
    """HubSpot sends some ids as numbers and some as strings; columns hold them as text."""
    return None if value is None else str(value)


def _retry_after(response: requests.Response) -> float | None:
    header = response.headers.get("Retry-After")
    try:
        seconds = float(header) if header is not None else None
    except ValueError:
        return None
    if seconds is None or not 0 <= seconds <= MAX_RETRY_AFTER_SECONDS:
        return None
    return seconds


def next_after(response: requests.Response) -> str | None:
    paging = response.hubspot_body.get("paging") or {}
    after = (paging.get("next") or {}).get("after")
    return None if after in (None, "") else str(after)


class AfterPaginator(BaseAPIPaginator[str | None]):
    """HubSpot's `paging.next.after`; absent on the last page."""

    def __init__(self) -> None:
        super().__init__(None)

    def get_next(self, response: requests.Response) -> str | None:
        return next_after(response)


class HubSpotStream(RESTStream[t.Any]):
    """One HubSpot listing whose records sit under `results`."""

    primary_keys = ("id",)
    # The endpoint's largest `limit`; the page_size setting is clamped to it.
    max_page_size = 100
    # Records are built with exactly the schema's columns; nested values go to the loader
    # as JSON, so walking them would be wasted work.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.ROOT_ONLY

    @property
    def url_base(self) -> str:
        return self.config["api_url"].rstrip("/")

    @property
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.config["access_token"])

    @property
    def timeout(self) -> int:
        return self.config["request_timeout"]

    @property
    def page_size(self) -> int:
        return min(self.config["page_size"], self.max_page_size)

    def get_new_paginator(self) -> BaseAPIPaginator | None:
        return AfterPaginator()

    def get_url_params(self, context: dict | None, next_page_token: t.Any) -> dict:
        params: dict[str, t.Any] = {"limit": self.page_size}
        if next_page_token:
            params["after"] = next_page_token
        return params

    def _where(self, response: requests.Response) -> str:
        return f"{response.request.method} {urlsplit(response.request.url or '').path}"

    def validate_response(self, response: requests.Response) -> None:
        """Raise retriable or fatal errors; keep the parsed body on the response.

        Runs inside the SDK's retry decorator, so a truncated body (a JSON decode error)
        is retried like a 5xx instead of failing later in parse_response.
        """
        status = response.status_code
        where = self._where(response)
        if status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN):
            msg = f"HubSpot refused {where} with HTTP {status}: {_AUTH_FIX}"
            raise HubSpotAPIError(msg)
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            raise HubSpotRetriableError(
                f"HubSpot rate limit on {where} (HTTP 429)", response, _retry_after(response)
            )
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise HubSpotRetriableError(f"HubSpot {where} failed: HTTP {status}", response)
        if status >= HTTPStatus.BAD_REQUEST:
            raise HubSpotAPIError(f"HubSpot {where} failed: HTTP {status}: {_message(response)}")
        try:
            body = json.loads(response.content)
        except ValueError:
            raise HubSpotRetriableError(
                f"HubSpot {where} sent a truncated or invalid JSON body", response
            ) from None
        if not isinstance(body, dict):
            raise HubSpotRetriableError(f"HubSpot {where} sent an unexpected body", response)
        # Parsed once here, read by parse_response and the paginators.
        response.hubspot_body = body

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        for raw in response.hubspot_body.get("results") or ():
            yield self.to_record(raw)

    def to_record(self, raw: dict) -> dict:
        """One raw HubSpot object as a row with the stream's columns."""
        raise NotImplementedError

    def backoff_wait_generator(self) -> Generator[float, BaseException | None, None]:
        """HubSpot's Retry-After (seconds) when it gives one, else 1, 2, 4, ... s."""
        exception = yield 0  # priming value, discarded by backoff
        attempt = 0
        while True:
            hint = exception.retry_after if isinstance(exception, HubSpotRetriableError) else None
            wait = hint if hint is not None else min(2**attempt, MAX_BACKOFF_SECONDS)
            attempt += 1
            exception = yield wait

    def backoff_max_tries(self) -> int:
        return MAX_TRIES


def _message(response: requests.Response) -> str:
    """HubSpot's own error message, when the body carries one."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return response.reason or "no message"
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return response.reason or "no message"
