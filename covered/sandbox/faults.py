"""Fault injection rules for reliability tests (format: `shared/spec/sandbox.md`, "Faults").

A rule's `path` is a glob (`*` also crosses `/`) on the vendor path, i.e. the path after the
`/slack/api`, `/github` or `/hubspot` prefix, without the query string. Rules are tried in file
order and the first one that fires answers the request. `first: N` fires on the first N matching
requests; `rate: p` fires on each matching request with probability p from a generator seeded
per rule (`seed`, default 0), so a sequential client sees the same faults on every run; with
neither, the rule fires every time. An optional `api` ("slack", "github" or "hubspot") limits a
rule to one API.
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from covered.sandbox.errors import SandboxError

KINDS = ("status", "slow", "drop", "truncate", "slack_error")
APIS = ("slack", "github", "hubspot")
_COMMON_KEYS = {"path", "kind", "first", "rate", "seed", "api"}
_KIND_KEYS = {
    "status": {"status", "retry_after"},
    "slow": {"seconds"},
    "drop": set(),
    "truncate": set(),
    "slack_error": {"error", "retry_after"},
}


@dataclass
class FaultRule:
    path: str
    kind: str
    status: int | None = None
    retry_after: float | None = None
    seconds: float = 0.0
    error: str | None = None
    first: int | None = None
    rate: float | None = None
    seed: int = 0
    api: str | None = None
    _matched: int = field(default=0, repr=False)
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def fires(self, api: str, path: str) -> bool:
        """Whether this rule answers the request; counts it if the path matches."""
        if (self.api and self.api != api) or not fnmatchcase(path, self.path):
            return False
        self._matched += 1
        if self.first is not None:
            return self._matched <= self.first
        if self.rate is not None:
            return self._rng.random() < self.rate
        return True


class Faults:
    """The rules of one faults file, with their counters; safe to share between threads."""

    def __init__(self, rules: list[FaultRule]):
        self.rules = rules
        self._lock = threading.Lock()

    def pick(self, api: str, path: str) -> FaultRule | None:
        with self._lock:
            return next((rule for rule in self.rules if rule.fires(api, path)), None)


def _number(where: str, rule: dict, key: str, *, minimum: float, integer: bool = False) -> float:
    value = rule[key]
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum:
        kind = "an integer" if integer else "a number"
        raise SandboxError(f"{where}: '{key}' must be {kind} >= {minimum}, got {value!r}")
    return value


def _rule(where: str, raw: object) -> FaultRule:
    if not isinstance(raw, dict):
        raise SandboxError(f"{where}: expected an object, got {type(raw).__name__}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise SandboxError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    unknown = set(raw) - _COMMON_KEYS - _KIND_KEYS[kind]
    if unknown:
        raise SandboxError(f"{where}: unknown key(s) for kind {kind}: {', '.join(sorted(unknown))}")
    if not isinstance(raw.get("path"), str) or not raw["path"].startswith(("/", "*")):
        raise SandboxError(f"{where}: 'path' must be a glob on the vendor path, like /crm/*")
    if "first" in raw and "rate" in raw:
        raise SandboxError(f"{where}: give 'first' or 'rate', not both")
    fields: dict = {"path": raw["path"], "kind": kind}
    if "first" in raw:
        fields["first"] = int(_number(where, raw, "first", minimum=1, integer=True))
    if "rate" in raw:
        fields["rate"] = _number(where, raw, "rate", minimum=0)
        if fields["rate"] > 1:
            raise SandboxError(f"{where}: 'rate' must be between 0 and 1, got {raw['rate']!r}")
    if "seed" in raw:
        fields["seed"] = int(_number(where, raw, "seed", minimum=0, integer=True))
    if "api" in raw:
        if raw["api"] not in APIS:
            raise SandboxError(f"{where}: 'api' must be one of {', '.join(APIS)}")
        fields["api"] = raw["api"]
    if "retry_after" in raw:
        fields["retry_after"] = _number(where, raw, "retry_after", minimum=0)
    if kind == "status":
        if "status" not in raw:
            raise SandboxError(f"{where}: kind status needs 'status'")
        fields["status"] = int(_number(where, raw, "status", minimum=400, integer=True))
        if fields["status"] > 599:
            raise SandboxError(f"{where}: 'status' must be an HTTP error code (400-599)")
    elif kind == "slow":
        if "seconds" not in raw:
            raise SandboxError(f"{where}: kind slow needs 'seconds'")
        fields["seconds"] = _number(where, raw, "seconds", minimum=0)
    elif kind == "slack_error":
        if not isinstance(raw.get("error"), str) or not raw["error"]:
            raise SandboxError(f"{where}: kind slack_error needs a non-empty 'error' string")
        fields["error"] = raw["error"]
    return FaultRule(**fields)


def parse_faults(rules: object, source: str = "faults") -> Faults:
    """Validate a list of rule objects (as read from a faults file)."""
    if not isinstance(rules, list):
        raise SandboxError(f"{source}: expected a JSON array of rules")
    return Faults([_rule(f"{source}: rule {n}", raw) for n, raw in enumerate(rules)])


def load_faults(path: str | Path) -> Faults:
    """Read and validate a faults file; a bad one is a one-line SandboxError."""
    file = Path(path)
    try:
        rules = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SandboxError(f"{file}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise SandboxError(f"{file}: invalid JSON: {exc}") from None
    return parse_faults(rules, str(file))
