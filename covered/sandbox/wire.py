"""What the three fake APIs share: the request and response types, routing and paging helpers."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from covered.sandbox.dataset import Dataset


class BadParam(ValueError):
    """A request parameter the vendor would reject; each API words the error its own way."""


@dataclass
class Request:
    method: str
    path: str  # the vendor path, after the API prefix
    params: dict[str, list[str]]  # query string, plus the fields of a form body
    headers: dict[str, str]  # lowercase names
    body: bytes
    base_url: str  # scheme, host and API prefix, for the links the vendor puts in responses

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self.params.get(name)
        return values[-1] if values else default

    def json_body(self) -> object:
        try:
            return json.loads(self.body or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadParam(f"request body is not valid JSON: {exc}") from None

    def bearer_token(self) -> str:
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def json_response(payload: object, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    content_type = {"Content-Type": "application/json; charset=utf-8"}
    return Response(status, body, {**content_type, **(headers or {})})


Handler = Callable[..., Response]


@dataclass
class Route:
    method: str
    pattern: str  # e.g. /repos/{owner}/{repo}/issues; also the key of the request counts
    handler: Handler
    regex: re.Pattern = field(init=False)

    def __post_init__(self) -> None:
        parts = re.split(r"\{(\w+)\}", self.pattern)
        source = "".join(
            re.escape(part) if n % 2 == 0 else f"(?P<{part}>[^/]+)" for n, part in enumerate(parts)
        )
        self.regex = re.compile(source + "/?")


@dataclass
class Api:
    """One fake vendor API: its URL prefix, routes, and how it answers what no route matches."""

    name: str
    prefix: str
    routes: list[Route]
    # Called before routing: an error response when the request is not authenticated.
    check_auth: Callable[[Request], Response | None]
    not_found: Callable[[Request], Response]
    bad_param: Callable[[BadParam], Response]
    # The body and headers of an injected error status, in the vendor's error shape.
    error_body: Callable[[int], object]
    extra_headers: Callable[[], dict[str, str]] = dict

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in self.routes:
            if route.method == method or (route.method == "*" and method in ("GET", "POST")):
                found = route.regex.fullmatch(path)
                if found:
                    return route, found.groupdict()
        return None, {}

    def answer(self, route: Route | None, params: dict, req: Request, ds: Dataset) -> Response:
        refused = self.check_auth(req)
        if refused is not None:
            return refused
        if route is None:
            return self.not_found(req)
        try:
            return route.handler(req, ds, **params)
        except BadParam as exc:
            return self.bad_param(exc)


def int_param(req: Request, name: str, default: int, *, minimum: int = 1, maximum: int) -> int:
    """An integer parameter, clamped to what the vendor allows."""
    raw = req.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParam(f"{name} must be an integer, got {raw!r}") from None
    return max(minimum, min(value, maximum))


def bool_param(req: Request, name: str, default: bool = False) -> bool:
    raw = req.get(name)
    if raw is None or raw == "":
        return default
    return raw.lower() in ("1", "true", "yes")


def encode_cursor(offset: int) -> str:
    """An opaque cursor, as vendors hand out (the offset into the filtered, sorted listing)."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str | None, name: str = "cursor") -> int:
    if not cursor:
        return 0
    try:
        label, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if label == "offset" and number.isdigit():
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadParam(f"invalid {name}: {cursor!r}")


def memo(ds: Dataset, key: tuple, compute: Callable[[], list]) -> list:
    """A listing computed once per dataset and query, so paging through it stays cheap."""
    cache = ds.memo
    if key not in cache:
        if len(cache) > 1024:
            cache.clear()
        cache[key] = compute()
    return cache[key]
