"""The Slack Web API methods the Slack tap calls, under /slack/api/.

Slack answers HTTP 200 with `ok: false` and an error code for almost every failure, pages with
`response_metadata.next_cursor` (empty when done) and lists history newest first.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from decimal import Decimal, InvalidOperation

from covered.sandbox.dataset import Dataset
from covered.sandbox.wire import (
    Api,
    BadParam,
    Request,
    Response,
    Route,
    bool_param,
    decode_cursor,
    encode_cursor,
    int_param,
    json_response,
)

# Slack's page size limits: history and replies default to 100 per page, lists to all (capped).
MAX_LIMIT = 1000
HISTORY_DEFAULT_LIMIT = 100
CHANNEL_TYPES = ("public_channel", "private_channel", "mpim", "im")


def _error(error: str, status: int = 200, headers: dict | None = None) -> Response:
    return json_response({"ok": False, "error": error}, status, headers)


class _SlackError(BadParam):
    """Answered as `ok: false` with this exact Slack error code."""


def _page(req: Request, items: list, key: str, default_limit: int) -> Response:
    offset = _cursor(req)
    limit = int_param(req, "limit", default_limit, maximum=MAX_LIMIT)
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    return json_response(
        {
            "ok": True,
            key: page,
            "response_metadata": {"next_cursor": encode_cursor(offset + limit) if more else ""},
        }
    )


def _cursor(req: Request) -> int:
    try:
        return decode_cursor(req.get("cursor"))
    except BadParam:
        raise _SlackError("invalid_cursor") from None


def _channel_type(channel: dict) -> str:
    if channel.get("is_im"):
        return "im"
    if channel.get("is_mpim"):
        return "mpim"
    return "private_channel" if channel.get("is_private") else "public_channel"


def conversations_list(req: Request, ds: Dataset) -> Response:
    types = {t.strip() for t in (req.get("types") or "public_channel").split(",") if t.strip()}
    if not types <= set(CHANNEL_TYPES):
        raise _SlackError("invalid_types")
    exclude_archived = bool_param(req, "exclude_archived")
    channels = [
        c
        for c in ds.channels
        if _channel_type(c) in types and not (exclude_archived and c.get("is_archived"))
    ]
    return _page(req, channels, "channels", MAX_LIMIT)


def _ts(req: Request, name: str, default: Decimal) -> Decimal:
    raw = req.get(name)
    if not raw:
        return default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise _SlackError(f"invalid_ts_{name}")
    return value


def _window(req: Request, keys: list[Decimal]) -> tuple[int, int]:
    """Index range [lo, hi) of the ascending ts keys between oldest and latest.

    Slack's default `latest` is now; the sandbox serves generated data that may lie after the
    wall clock, so its default is "no upper bound".
    """
    oldest = _ts(req, "oldest", Decimal(0))
    latest = _ts(req, "latest", Decimal("Infinity"))
    if bool_param(req, "inclusive"):
        return bisect_left(keys, oldest), bisect_right(keys, latest)
    return bisect_right(keys, oldest), bisect_left(keys, latest)


def _known_channel(req: Request, ds: Dataset) -> str:
    channel = req.get("channel") or ""
    if channel not in ds.channel_by_id:
        raise _SlackError("channel_not_found")
    return channel


def _messages(items: list, more: bool, next_offset: int) -> Response:
    return json_response(
        {
            "ok": True,
            "messages": items,
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": encode_cursor(next_offset) if more else ""},
        }
    )


def conversations_history(req: Request, ds: Dataset) -> Response:
    channel = _known_channel(req, ds)
    keys = ds.history_keys.get(channel, [])
    lo, hi = _window(req, keys)
    offset = _cursor(req)
    limit = int_param(req, "limit", HISTORY_DEFAULT_LIMIT, maximum=MAX_LIMIT)
    # Newest first: the page ends `offset` messages below the top of the window.
    top = max(lo, hi - offset)
    bottom = max(lo, top - limit)
    page = ds.history.get(channel, [])[bottom:top][::-1]
    return _messages(page, bottom > lo, offset + len(page))


def conversations_replies(req: Request, ds: Dataset) -> Response:
    channel = _known_channel(req, ds)
    message = ds.message_by_ts.get((channel, req.get("ts") or ""))
    if message is None:
        raise _SlackError("thread_not_found")
    thread_ts = str(message.get("thread_ts") or message["ts"])
    parent = ds.message_by_ts.get((channel, thread_ts), message)
    keys = ds.replies_keys.get((channel, thread_ts), [])
    lo, hi = _window(req, keys)
    offset = _cursor(req)
    limit = int_param(req, "limit", HISTORY_DEFAULT_LIMIT, maximum=MAX_LIMIT)
    start = min(hi, lo + offset)
    end = min(hi, start + limit)
    page = ds.replies.get((channel, thread_ts), [])[start:end]
    # Oldest first, the parent heading the first page only.
    return _messages([parent, *page] if offset == 0 else page, end < hi, offset + len(page))


def users_list(req: Request, ds: Dataset) -> Response:
    return _page(req, ds.users, "members", MAX_LIMIT)


def usergroups_list(req: Request, ds: Dataset) -> Response:
    include_users = bool_param(req, "include_users")
    include_disabled = bool_param(req, "include_disabled")
    groups = [
        g if include_users else {k: v for k, v in g.items() if k != "users"}
        for g in ds.usergroups
        if include_disabled or not g.get("date_delete")
    ]
    return json_response({"ok": True, "usergroups": groups})


def auth_test(req: Request, ds: Dataset) -> Response:
    team_id = next((u["team_id"] for u in ds.users if u.get("team_id")), "T0SANDBOX")
    return json_response(
        {
            "ok": True,
            "url": "https://sandbox.slack.com/",
            "team": "Sandbox",
            "user": "covered-sandbox",
            "team_id": team_id,
            "user_id": "U0SANDBOX",
        }
    )


def _check_auth(req: Request) -> Response | None:
    return None if req.bearer_token() or req.get("token") else _error("not_authed")


def _error_body(status: int) -> object:
    return {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}


def slack_error_response(error: str, retry_after: float | None) -> Response:
    """An injected Slack error: rate limits are HTTP 429 with Retry-After, the rest HTTP 200."""
    if error == "ratelimited":
        seconds = 1 if retry_after is None else retry_after
        return _error(error, 429, {"Retry-After": f"{seconds:g}"})
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    return _error(error, 200, headers)


API = Api(
    name="slack",
    prefix="/slack/api",
    routes=[
        Route("*", "/conversations.list", conversations_list),
        Route("*", "/conversations.history", conversations_history),
        Route("*", "/conversations.replies", conversations_replies),
        Route("*", "/users.list", users_list),
        Route("*", "/usergroups.list", usergroups_list),
        Route("*", "/auth.test", auth_test),
    ],
    check_auth=_check_auth,
    not_found=lambda req: _error("unknown_method"),
    # A _SlackError carries Slack's exact code; any other bad parameter is invalid_arguments.
    bad_param=lambda exc: _error(str(exc) if isinstance(exc, _SlackError) else "invalid_arguments"),
    error_body=_error_body,
)
