"""How long a run's requests would take against the real APIs, under their published limits.

Inputs are the sandbox's per-route request counts ({"<prefix> <METHOD> <pattern>": n}). Each
vendor's limit is a set of buckets; a request draws from every bucket it belongs to, and the
time a source needs is that of its slowest bucket (requests served instantly otherwise). The
three sources run one after the other in the `elt` job, so the backfill is their sum.

Published limits used (checked 2026-11):
- Slack Web API, per method per workspace per app: Tier 3 (50+/min) conversations.history and
  conversations.replies; Tier 2 (20+/min) conversations.list, users.list, usergroups.list;
  auth.test Tier 4 (100+/min). (Commercially distributed non-Marketplace apps created after
  2025-05-29 get 1/min with 15 messages per page on history/replies; Meltano's own internal
  app keeps the tiers.)
- GitHub REST, authenticated: 5,000 requests per hour, all endpoints together.
- HubSpot private apps: 100 requests per 10 s (Free/Starter; 190 on Pro/Enterprise), all
  endpoints together; CRM search endpoints additionally 5 requests per second.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from covered.sandbox import github_api, hubspot_api, slack_api

MINUTE = 60.0


@dataclass(frozen=True)
class Bucket:
    name: str
    requests: int
    per_seconds: float

    def seconds(self, count: int) -> float:
        return count * self.per_seconds / self.requests


SLACK_TIER2 = Bucket("Slack Tier 2", 20, MINUTE)
SLACK_TIER3 = Bucket("Slack Tier 3", 50, MINUTE)
SLACK_TIER4 = Bucket("Slack Tier 4", 100, MINUTE)
SLACK_TIERS = {
    "/conversations.history": SLACK_TIER3,
    "/conversations.replies": SLACK_TIER3,
    "/conversations.list": SLACK_TIER2,
    "/users.list": SLACK_TIER2,
    "/usergroups.list": SLACK_TIER2,
    "/auth.test": SLACK_TIER4,
}
GITHUB_CORE = Bucket("GitHub 5,000/h", 5000, 3600.0)
HUBSPOT_BURST = Bucket("HubSpot 100/10 s", 100, 10.0)
HUBSPOT_SEARCH = Bucket("HubSpot search 5/s", 5, 1.0)


def buckets_of(prefix: str, pattern: str) -> list[tuple[str, Bucket]]:
    """The (bucket key, bucket) pairs one request to a sandbox route draws from."""
    if prefix == slack_api.API.prefix:
        # Per method: each method has a bucket of its own; unknown methods get Tier 2.
        return [(f"slack {pattern}", SLACK_TIERS.get(pattern, SLACK_TIER2))]
    if prefix == github_api.API.prefix:
        return [("github", GITHUB_CORE)]
    if prefix == hubspot_api.API.prefix:
        pairs = [("hubspot", HUBSPOT_BURST)]
        if pattern.endswith("/search"):
            pairs.append(("hubspot search", HUBSPOT_SEARCH))
        return pairs
    return []


SOURCE_OF_PREFIX = {
    api.prefix: api.name for api in (slack_api.API, github_api.API, hubspot_api.API)
}


def split_route(key: str) -> tuple[str, str]:
    """'/slack/api GET /conversations.history' -> ('/slack/api', '/conversations.history')."""
    prefix, _method, pattern = key.split(" ", 2)
    return prefix, pattern


def backfill_estimate(requests: dict[str, int]) -> dict:
    """Seconds per source (its slowest bucket) and in total, for the given request counts."""
    drawn: dict[str, int] = defaultdict(int)
    bucket_by_key: dict[str, Bucket] = {}
    source_of: dict[str, str] = {}
    for route, count in requests.items():
        prefix, pattern = split_route(route)
        for key, bucket in buckets_of(prefix, pattern):
            drawn[key] += count
            bucket_by_key[key] = bucket
            source_of[key] = SOURCE_OF_PREFIX[prefix]
    sources: dict[str, dict] = {}
    for key, count in drawn.items():
        seconds = bucket_by_key[key].seconds(count)
        source = sources.setdefault(source_of[key], {"seconds": 0.0, "bound_by": None})
        if seconds >= source["seconds"]:
            source.update(seconds=seconds, bound_by=f"{count:,} requests on {key}")
    return {
        "sources": dict(sorted(sources.items())),
        "total_seconds": sum(source["seconds"] for source in sources.values()),
    }
