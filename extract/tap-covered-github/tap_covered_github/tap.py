"""tap-github 1.30.1, except that unchanged pull requests are skipped on incremental runs.

GitHub's /pulls has no `since`, so tap-github re-sends the newest page of pull requests of
every repository on each run, and its child streams (reviews, ...) then re-read every one of
them. Here a pull request updated before the partition's stored bookmark is dropped before it
is emitted or hands out child contexts. Streams, schemas, keys and settings are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from singer_sdk.streams import Stream
from tap_github.repository_streams import PullRequestsStream
from tap_github.tap import TapGitHub


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class CoveredPullRequestsStream(PullRequestsStream):
    def get_records(self, context: dict | None = None) -> Iterable[dict[str, Any]]:
        # The stored bookmark only, not start_date: a first run stays exactly the upstream one.
        # Read before any record: the stream is unsorted, so the bookmark moves only at the end.
        bookmark = self.get_context_state(context).get("replication_key_value")
        if bookmark is None:
            yield from super().get_records(context)
            return
        since = _instant(str(bookmark))
        for record in super().get_records(context):
            if _instant(record[self.replication_key]) >= since:
                yield record


# The SDK pairs parents and children by exact class, so every stream below pull_requests
# (reviews, commits, diffs, ...) is re-declared under the replacement parent; cached so that
# each class maps to one subclass.
@cache
def _covered(stream_class: type[Stream]) -> type[Stream]:
    if stream_class is PullRequestsStream:
        return CoveredPullRequestsStream
    parent = stream_class.parent_stream_type
    if parent is None or _covered(parent) is parent:
        return stream_class
    return type(stream_class.__name__, (stream_class,), {"parent_stream_type": _covered(parent)})


class TapCoveredGitHub(TapGitHub):
    def discover_streams(self) -> list[Stream]:
        return [
            stream if _covered(type(stream)) is type(stream) else _covered(type(stream))(tap=self)
            for stream in super().discover_streams()
        ]
