"""The GitHub REST endpoints meltanolabs-tap-github (organizations mode) calls, under /github/.

Pages are announced in a `Link: <...>; rel="next"` header: `page=N` numbers, except the issues
listing, which tap-github 1.30 walks with `after` cursors (page numbers still work there).
No token is needed; every answer carries generous X-RateLimit-* headers.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from covered.sandbox.dataset import Dataset, Entry, parse_time
from covered.sandbox.wire import (
    Api,
    BadParam,
    Request,
    Response,
    Route,
    decode_cursor,
    encode_cursor,
    int_param,
    json_response,
    memo,
)

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100
RATE_LIMIT = 5000


def _rate_limit_headers() -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(RATE_LIMIT),
        "X-RateLimit-Remaining": str(RATE_LIMIT - 1),
        "X-RateLimit-Used": "1",
        "X-RateLimit-Reset": str(int(time.time()) + 3600),
        "X-RateLimit-Resource": "core",
    }


def _not_found() -> Response:
    return json_response({"message": "Not Found", "status": "404"}, 404)


def _link(req: Request, **replace: int | str) -> str:
    params = [(k, v) for k, values in req.params.items() if k not in replace for v in values]
    query = urlencode([*params, *replace.items()])
    return f"{req.base_url}{req.path}?{query}"


def _paged(req: Request, items: list, *, cursor: bool = False) -> Response:
    """One page of a listing, with the Link header GitHub sends."""
    per_page = int_param(req, "per_page", DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)
    if cursor and req.get("page") is None:
        offset = decode_cursor(req.get("after"), "after")
    else:
        offset = (int_param(req, "page", 1, maximum=10**9) - 1) * per_page
    end = offset + per_page
    links = []
    if end < len(items):
        if cursor and req.get("page") is None:
            links.append(f'<{_link(req, after=encode_cursor(end))}>; rel="next"')
        else:
            last = -(-len(items) // per_page)
            links.append(f'<{_link(req, page=end // per_page + 1)}>; rel="next"')
            links.append(f'<{_link(req, page=last)}>; rel="last"')
    headers = {"Link": ", ".join(links)} if links else {}
    return json_response(items[offset:end], headers=headers)


def _choice(req: Request, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = req.get(name) or default
    if value not in allowed:
        raise BadParam(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _since(req: Request) -> float | None:
    raw = req.get("since")
    if not raw:
        return None
    try:
        return parse_time(raw)
    except ValueError:
        raise BadParam(f"since is not an ISO 8601 timestamp: {raw!r}") from None


def _listing(
    req: Request,
    ds: Dataset,
    entries: list[Entry],
    *,
    sorts: tuple[str, ...],
    default_sort: str,
    default_direction: str,
    states: bool,
    since: bool,
) -> list[dict]:
    """Filter by state and since (updated at or after it), then sort, as GitHub does."""
    sort = _choice(req, "sort", sorts, default_sort)
    direction = _choice(req, "direction", ("asc", "desc"), default_direction)
    state = _choice(req, "state", ("open", "closed", "all"), "open") if states else "all"
    after = _since(req) if since else None

    def compute() -> list[dict]:
        selected = [
            e
            for e in entries
            if (state == "all" or e.obj.get("state") == state)
            and (after is None or e.updated >= after)
        ]
        if sort == "updated":
            selected.sort(key=lambda e: (e.updated, e.order))
        elif sort == "comments":
            selected.sort(key=lambda e: (e.obj.get("comments") or 0, e.order))
        else:
            selected.sort(key=lambda e: (e.created, e.order))
        if direction == "desc":
            selected.reverse()
        return [e.obj for e in selected]

    return memo(ds, (req.path, sort, direction, state, after), compute)


def _org(ds: Dataset, org: str) -> str:
    key = org.lower()
    if key not in ds.orgs:
        raise _Missing
    return key


def _repo(ds: Dataset, owner: str, repo: str) -> str:
    key = f"{owner}/{repo}".lower()
    if key not in ds.repo_by_name:
        raise _Missing
    return key


class _Missing(BadParam):
    """The organization or repository is not in the dataset: GitHub answers 404."""


def get_org(req: Request, ds: Dataset, org: str) -> Response:
    return json_response(ds.orgs[_org(ds, org)])


def org_repos(req: Request, ds: Dataset, org: str) -> Response:
    # GitHub ignores `since` here, so every repository comes back on every run (and with it the
    # tap's child streams); the sort keys are the ones GitHub offers.
    key = _org(ds, org)
    sort = _choice(req, "sort", ("created", "updated", "pushed", "full_name"), "created")
    direction = _choice(req, "direction", ("asc", "desc"), "asc" if sort == "full_name" else "desc")

    def compute() -> list[dict]:
        entries = ds.repos_by_org.get(key, [])
        if sort == "full_name":
            ordered = sorted(entries, key=lambda e: str(e.obj.get("full_name", "")).lower())
        elif sort == "updated":
            ordered = sorted(entries, key=lambda e: (e.updated, e.order))
        elif sort == "pushed":
            ordered = sorted(entries, key=lambda e: (str(e.obj.get("pushed_at") or ""), e.order))
        else:
            ordered = sorted(entries, key=lambda e: (e.created, e.order))
        if direction == "desc":
            ordered.reverse()
        return [e.obj for e in ordered]

    return _paged(req, memo(ds, ("repos", key, sort, direction), compute))


def org_members(req: Request, ds: Dataset, org: str) -> Response:
    return _paged(req, ds.members_by_org.get(_org(ds, org), []))


def org_teams(req: Request, ds: Dataset, org: str) -> Response:
    _org(ds, org)
    return _paged(req, [])


def get_repo(req: Request, ds: Dataset, owner: str, repo: str) -> Response:
    return json_response(ds.repo_by_name[_repo(ds, owner, repo)])


def repo_issues(req: Request, ds: Dataset, owner: str, repo: str) -> Response:
    entries = ds.issues.get(_repo(ds, owner, repo), [])
    items = _listing(
        req,
        ds,
        entries,
        sorts=("created", "updated", "comments"),
        default_sort="created",
        default_direction="desc",
        states=True,
        since=True,
    )
    return _paged(req, items, cursor=True)


def _comments(req: Request, ds: Dataset, entries: list[Entry]) -> Response:
    """A repository's comment listing: oldest first unless asked otherwise, with `since`."""
    items = _listing(
        req,
        ds,
        entries,
        sorts=("created", "updated"),
        default_sort="created",
        default_direction="asc",
        states=False,
        since=True,
    )
    return _paged(req, items)


def repo_issue_comments(req: Request, ds: Dataset, owner: str, repo: str) -> Response:
    return _comments(req, ds, ds.issue_comments.get(_repo(ds, owner, repo), []))


def repo_pulls(req: Request, ds: Dataset, owner: str, repo: str) -> Response:
    entries = ds.pulls.get(_repo(ds, owner, repo), [])
    sort = req.get("sort") or "created"
    items = _listing(
        req,
        ds,
        entries,
        sorts=("created", "updated", "popularity", "long-running"),
        default_sort="created",
        default_direction="desc" if sort == "created" else "asc",
        states=True,
        since=False,  # GitHub's pulls listing has no since parameter
    )
    return _paged(req, items)


def pull_reviews(req: Request, ds: Dataset, owner: str, repo: str, number: str) -> Response:
    if not number.isdigit():
        return _not_found()
    return _paged(req, ds.reviews.get((_repo(ds, owner, repo), int(number)), []))


def repo_review_comments(req: Request, ds: Dataset, owner: str, repo: str) -> Response:
    return _comments(req, ds, ds.review_comments.get(_repo(ds, owner, repo), []))


def _bad_param(exc: BadParam) -> Response:
    if isinstance(exc, _Missing):
        return _not_found()
    return json_response({"message": f"Validation Failed: {exc}", "status": "422"}, 422)


API = Api(
    name="github",
    prefix="/github",
    routes=[
        Route("GET", "/orgs/{org}", get_org),
        Route("GET", "/orgs/{org}/repos", org_repos),
        Route("GET", "/orgs/{org}/members", org_members),
        Route("GET", "/orgs/{org}/teams", org_teams),
        Route("GET", "/repos/{owner}/{repo}", get_repo),
        Route("GET", "/repos/{owner}/{repo}/issues", repo_issues),
        Route("GET", "/repos/{owner}/{repo}/issues/comments", repo_issue_comments),
        Route("GET", "/repos/{owner}/{repo}/pulls", repo_pulls),
        Route("GET", "/repos/{owner}/{repo}/pulls/comments", repo_review_comments),
        Route("GET", "/repos/{owner}/{repo}/pulls/{number}/reviews", pull_reviews),
    ],
    check_auth=lambda req: None,
    # Endpoints of streams we do not select: an empty list rather than a 404 the tap retries.
    not_found=lambda req: json_response([]),
    bad_param=_bad_param,
    error_body=lambda status: {"message": f"Sandbox fault: HTTP {status}", "status": str(status)},
    extra_headers=_rate_limit_headers,
)
