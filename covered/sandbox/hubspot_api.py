"""The HubSpot CRM v3 and Conversations v3 endpoints the HubSpot tap calls, under /hubspot/.

Pages continue from `paging.next.after` (absent on the last page). Like HubSpot, CRM search
serves at most 10,000 results per query: asking for a page past that is a 400 error, so a client
has to narrow its query (e.g. by hs_lastmodifieddate windows).
"""

from __future__ import annotations

import json
import uuid

from covered.sandbox.dataset import Dataset, id_order, parse_time
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
    memo,
)

SEARCH_RESULT_CAP = 10_000
SEARCH_MAX_LIMIT = 200
LIST_MAX_LIMIT = 100
OWNERS_MAX_LIMIT = 500
CONVERSATIONS_MAX_LIMIT = 500
# What HubSpot returns for a ticket when the request names no properties.
DEFAULT_TICKET_PROPERTIES = (
    "content",
    "createdate",
    "hs_lastmodifieddate",
    "hs_object_id",
    "hs_pipeline",
    "hs_pipeline_stage",
    "hs_ticket_category",
    "hs_ticket_priority",
    "subject",
)
# Properties HubSpot includes in every ticket it returns.
ALWAYS_TICKET_PROPERTIES = ("createdate", "hs_lastmodifieddate", "hs_object_id")
RANGE_OPERATORS = ("GT", "GTE", "LT", "LTE", "BETWEEN")
OPERATORS = (*RANGE_OPERATORS, "EQ", "NEQ", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY")


def _error(status: int, category: str, message: str) -> Response:
    payload = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
    }
    return json_response(payload, status)


def _check_auth(req: Request) -> Response | None:
    if req.bearer_token():
        return None
    return _error(
        401,
        "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication.",
    )


def _paging(next_after: str | None) -> dict:
    return {"paging": {"next": {"after": next_after}}} if next_after is not None else {}


def _offset(req: Request) -> int:
    raw = req.get("after") or "0"
    if not raw.isdigit():
        raise BadParam(f"after must be a paging token from a previous page, got {raw!r}")
    return int(raw)


# --- tickets ---------------------------------------------------------------------------------


def _requested_properties(names: list[str]) -> tuple[str, ...]:
    wanted = [n.strip() for value in names for n in value.split(",") if n.strip()]
    return tuple(dict.fromkeys([*(wanted or DEFAULT_TICKET_PROPERTIES), *ALWAYS_TICKET_PROPERTIES]))


def _property(ticket: dict, name: str) -> object:
    if name == "hs_object_id":
        return str(ticket["id"])
    return ticket["properties"].get(name)


def _ticket(ticket: dict, properties: tuple[str, ...]) -> dict:
    props = ticket["properties"]
    return {
        "id": str(ticket["id"]),
        "properties": {name: _property(ticket, name) for name in properties},
        "createdAt": ticket.get("createdAt", props.get("createdate")),
        "updatedAt": ticket.get("updatedAt", props.get("hs_lastmodifieddate")),
        "archived": bool(ticket.get("archived", False)),
    }


def list_tickets(req: Request, ds: Dataset) -> Response:
    limit = int_param(req, "limit", 10, maximum=LIST_MAX_LIMIT)
    offset = _offset(req)
    archived = bool_param(req, "archived")
    tickets = memo(
        ds,
        ("tickets", archived),
        lambda: [t for t in ds.tickets if bool(t.get("archived", False)) == archived],
    )
    properties = _requested_properties(req.params.get("properties", []))
    page = [_ticket(t, properties) for t in tickets[offset : offset + limit]]
    more = offset + limit < len(tickets)
    return json_response({"results": page, **_paging(str(offset + limit) if more else None)})


def _as_time(value: object) -> float:
    """A HubSpot date value: epoch milliseconds (number or digits) or an ISO 8601 string."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) / 1000
    text = str(value).strip()
    if text.isdigit():
        return int(text) / 1000
    return parse_time(text)


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or value.strip().isdigit():
        return False
    try:
        parse_time(value)
    except ValueError:
        return False
    return True


def _comparable(record_value: object, filter_value: object) -> tuple:
    """Both values as times if the record holds a date, as numbers if both are, else as text."""
    try:
        if _is_date(record_value):
            return _as_time(record_value), _as_time(filter_value)
        return float(record_value), float(filter_value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(record_value), str(filter_value)


def _filter_matches(ticket: dict, flt: dict) -> bool:
    operator = flt["operator"]
    value = _property(ticket, flt["propertyName"])
    present = value not in (None, "")
    if operator == "HAS_PROPERTY":
        return present
    if operator == "NOT_HAS_PROPERTY":
        return not present
    if operator in ("IN", "NOT_IN"):
        inside = present and str(value) in {str(v) for v in flt.get("values", [])}
        return inside if operator == "IN" else not inside
    if not present:
        return operator == "NEQ"
    mine, theirs = _comparable(value, flt.get("value"))
    if operator == "BETWEEN":
        _, high = _comparable(value, flt.get("highValue"))
        return theirs <= mine <= high  # type: ignore[operator]
    return {
        "EQ": lambda: mine == theirs,
        "NEQ": lambda: mine != theirs,
        "GT": lambda: mine > theirs,  # type: ignore[operator]
        "GTE": lambda: mine >= theirs,  # type: ignore[operator]
        "LT": lambda: mine < theirs,  # type: ignore[operator]
        "LTE": lambda: mine <= theirs,  # type: ignore[operator]
    }[operator]()


def _validate_search(body: object) -> tuple[list[list[dict]], tuple[str, bool] | None]:
    if not isinstance(body, dict):
        raise BadParam("the search request body must be a JSON object")
    groups = body.get("filterGroups") or []
    if not isinstance(groups, list):
        raise BadParam("filterGroups must be an array")
    parsed: list[list[dict]] = []
    for group in groups:
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list):
            raise BadParam("each filterGroup needs a filters array")
        for flt in filters:
            if not isinstance(flt, dict) or not isinstance(flt.get("propertyName"), str):
                raise BadParam("each filter needs a propertyName")
            if flt.get("operator") not in OPERATORS:
                raise BadParam(f"unsupported filter operator {flt.get('operator')!r}")
            if flt["operator"] in RANGE_OPERATORS or flt["operator"] in ("EQ", "NEQ"):
                if flt.get("value") is None:
                    raise BadParam(f"filter on {flt['propertyName']} needs a value")
                if flt["operator"] == "BETWEEN" and flt.get("highValue") is None:
                    raise BadParam(f"BETWEEN filter on {flt['propertyName']} needs a highValue")
        parsed.append(filters)
    sorts = body.get("sorts") or []
    if not isinstance(sorts, list):
        raise BadParam("sorts must be an array")
    if not sorts:
        return parsed, None
    first = sorts[0]
    if isinstance(first, str):
        return parsed, (first.lstrip("-"), first.startswith("-"))
    if not isinstance(first, dict) or not isinstance(first.get("propertyName"), str):
        raise BadParam("each sort needs a propertyName")
    return parsed, (first["propertyName"], first.get("direction") == "DESCENDING")


def _sort_key(ticket: dict, name: str) -> tuple:
    value = _property(ticket, name)
    if _is_date(value):
        return (_as_time(value), "", id_order(ticket["id"]))
    try:
        return (float(value), "", id_order(ticket["id"]))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return (0.0, str(value), id_order(ticket["id"]))


def search_tickets(req: Request, ds: Dataset) -> Response:
    body = req.json_body()
    groups, sort = _validate_search(body)
    assert isinstance(body, dict)  # checked by _validate_search
    limit = body.get("limit", 10)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= SEARCH_MAX_LIMIT:
        raise BadParam(f"limit must be an integer between 1 and {SEARCH_MAX_LIMIT}")
    after = str(body.get("after") or "0")
    if not after.isdigit():
        raise BadParam(f"after must be a paging token from a previous page, got {after!r}")
    offset = int(after)
    if offset >= SEARCH_RESULT_CAP:
        raise BadParam(f"paging past {SEARCH_RESULT_CAP} results is not allowed; narrow the query")

    def compute() -> list[dict]:
        matches = [
            t
            for t in ds.tickets
            if not groups or any(all(_filter_matches(t, f) for f in fs) for fs in groups)
        ]
        if sort is not None:
            name, descending = sort
            present = [t for t in matches if _property(t, name) not in (None, "")]
            absent = [t for t in matches if _property(t, name) in (None, "")]
            present.sort(key=lambda t: _sort_key(t, name), reverse=descending)
            matches = present + absent
        return matches

    key = ("search", json.dumps([groups, sort], sort_keys=True))
    matches = memo(ds, key, compute)
    properties = _requested_properties(body.get("properties") or [])
    end = min(offset + limit, SEARCH_RESULT_CAP)
    page = [_ticket(t, properties) for t in matches[offset:end]]
    more = end < len(matches)
    return json_response(
        {"total": len(matches), "results": page, **_paging(str(end) if more else None)}
    )


def ticket_properties(req: Request, ds: Dataset) -> Response:
    def compute() -> list[dict]:
        samples: dict[str, object] = {"hs_object_id": "1"}
        for ticket in ds.tickets:
            for name, value in ticket["properties"].items():
                if value not in (None, "") or name not in samples:
                    samples.setdefault(name, value)
        return [_property_definition(name, value) for name, value in sorted(samples.items())]

    return json_response({"results": memo(ds, ("ticket_properties",), compute)})


def _property_definition(name: str, sample: object) -> dict:
    kind, field_type = ("datetime", "date") if _is_date(sample) else ("string", "text")
    return {
        "name": name,
        "label": name.replace("_", " ").capitalize(),
        "type": kind,
        "fieldType": field_type,
        "groupName": "ticketinformation",
        "hubspotDefined": True,
        "options": [],
    }


def list_owners(req: Request, ds: Dataset) -> Response:
    limit = int_param(req, "limit", 100, maximum=OWNERS_MAX_LIMIT)
    offset = _offset(req)
    archived = bool_param(req, "archived")
    owners = memo(
        ds,
        ("owners", archived),
        lambda: [o for o in ds.owners if bool(o.get("archived", False)) == archived],
    )
    more = offset + limit < len(owners)
    page = owners[offset : offset + limit]
    return json_response({"results": page, **_paging(str(offset + limit) if more else None)})


# --- conversations ---------------------------------------------------------------------------


def _thread(thread: dict, with_tickets: bool) -> dict:
    if with_tickets:
        return thread
    return {k: v for k, v in thread.items() if k != "threadAssociations"}


def _with_tickets(req: Request) -> bool:
    return any("TICKET" in value.upper().split(",") for value in req.params.get("association", []))


def _cursor(req: Request) -> int:
    return decode_cursor(req.get("after"), "after")


def list_threads(req: Request, ds: Dataset) -> Response:
    limit = int_param(req, "limit", 100, maximum=CONVERSATIONS_MAX_LIMIT)
    offset = _cursor(req)
    sort = req.get("sort") or "id"
    if sort.lstrip("-") not in ("id", "latestMessageTimestamp"):
        raise BadParam(f"sort must be id or latestMessageTimestamp, got {sort!r}")
    raw_after = req.get("latestMessageTimestampAfter")
    if sort.lstrip("-") == "latestMessageTimestamp" and not raw_after:
        raise BadParam("latestMessageTimestampAfter is required when sorting by it")
    try:
        since = _as_time(raw_after) if raw_after else None
    except ValueError:
        raise BadParam(f"latestMessageTimestampAfter is not a timestamp: {raw_after!r}") from None
    archived = bool_param(req, "archived")

    def compute() -> list[dict]:
        selected = [
            t
            for t in ds.threads
            if bool(t.get("archived", False)) == archived
            and (since is None or (ds.thread_latest[str(t["id"])] or float("-inf")) >= since)
        ]
        if sort.lstrip("-") == "latestMessageTimestamp":
            selected.sort(key=lambda t: (ds.thread_latest[str(t["id"])], id_order(t["id"])))
        if sort.startswith("-"):
            selected.reverse()
        return selected

    threads = memo(ds, ("threads", sort, since, archived), compute)
    with_tickets = _with_tickets(req)
    page = [_thread(t, with_tickets) for t in threads[offset : offset + limit]]
    more = offset + limit < len(threads)
    return json_response(
        {"results": page, **_paging(encode_cursor(offset + limit) if more else None)}
    )


def _thread_not_found(thread_id: str) -> Response:
    return _error(404, "OBJECT_NOT_FOUND", f"Thread {thread_id} not found")


def get_thread(req: Request, ds: Dataset, thread_id: str) -> Response:
    thread = ds.thread_by_id.get(thread_id)
    if thread is None:
        return _thread_not_found(thread_id)
    return json_response(_thread(thread, _with_tickets(req)))


def thread_messages(req: Request, ds: Dataset, thread_id: str) -> Response:
    if thread_id not in ds.thread_by_id:
        return _thread_not_found(thread_id)
    limit = int_param(req, "limit", 100, maximum=CONVERSATIONS_MAX_LIMIT)
    offset = _cursor(req)
    messages = ds.thread_messages.get(thread_id, [])
    more = offset + limit < len(messages)
    return json_response(
        {
            "results": messages[offset : offset + limit],
            **_paging(encode_cursor(offset + limit) if more else None),
        }
    )


API = Api(
    name="hubspot",
    prefix="/hubspot",
    routes=[
        Route("GET", "/crm/v3/objects/tickets", list_tickets),
        Route("POST", "/crm/v3/objects/tickets/search", search_tickets),
        Route("GET", "/crm/v3/properties/tickets", ticket_properties),
        Route("GET", "/crm/v3/owners", list_owners),
        Route("GET", "/conversations/v3/conversations/threads", list_threads),
        Route("GET", "/conversations/v3/conversations/threads/{thread_id}", get_thread),
        Route(
            "GET", "/conversations/v3/conversations/threads/{thread_id}/messages", thread_messages
        ),
    ],
    check_auth=_check_auth,
    not_found=lambda req: _error(404, "OBJECT_NOT_FOUND", f"No resource at {req.path}"),
    bad_param=lambda exc: _error(400, "VALIDATION_ERROR", str(exc)),
    error_body=lambda status: {
        "status": "error",
        "message": f"Sandbox fault: HTTP {status}",
        "category": "RATE_LIMITS" if status == 429 else "INTERNAL_ERROR",
    },
)
