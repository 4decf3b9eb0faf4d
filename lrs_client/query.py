"""Statement queries: the spec's filters, and an iterator that follows ``more``.

Only one page is held at a time. ``more`` may be relative (to the host or
the endpoint) or absolute; it ends empty or missing. A ``more`` that points
at another origin is refused (it would receive our credentials) and one
that repeats the page just fetched is reported instead of looping forever.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lrs_client.attachments import decode_multipart
from lrs_client.errors import ProtocolError
from lrs_client.transport import Transport

CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
FORMATS = ("ids", "exact", "canonical")


def iso(moment: datetime | str) -> str:
    """A filter timestamp: datetimes become UTC ISO 8601 with ``Z``; strings pass as given."""
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        raise ValueError("since/until datetimes must be timezone-aware")
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def parse_time(text: str | None) -> datetime | None:
    """A timestamp from the LRS, or ``None`` when absent or unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Filters:
    """Every filter of ``GET statements`` (xAPI Communication 2.1.3)."""

    agent: Mapping[str, Any] | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool | None = None
    related_agents: bool | None = None
    since: datetime | str | None = None
    until: datetime | str | None = None
    limit: int | None = None
    format: str | None = None
    attachments: bool | None = None
    ascending: bool | None = None

    def params(self) -> dict[str, str]:
        """Query parameters; unset filters are omitted (unknown ones are a 400)."""
        if self.format is not None and self.format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        if self.limit is not None and self.limit < 0:
            raise ValueError("limit must not be negative")
        out: dict[str, str] = {}
        if self.agent is not None:
            out["agent"] = json.dumps(dict(self.agent), separators=(",", ":"))
        for name, value in (
            ("verb", self.verb),
            ("activity", self.activity),
            ("registration", self.registration),
            ("format", self.format),
        ):
            if value is not None:
                out[name] = value
        for name, flag in (
            ("related_activities", self.related_activities),
            ("related_agents", self.related_agents),
            ("attachments", self.attachments),
            ("ascending", self.ascending),
        ):
            if flag is not None:
                out[name] = "true" if flag else "false"
        if self.since is not None:
            out["since"] = iso(self.since)
        if self.until is not None:
            out["until"] = iso(self.until)
        if self.limit is not None:
            out["limit"] = str(self.limit)
        return out


@dataclass
class Page:
    """One statements response."""

    statements: list[dict[str, Any]]
    more: str | None
    consistent_through: datetime | None
    attachments: dict[str, bytes] = field(default_factory=dict)


class StatementQuery:
    """Iterates statements across pages; ``pages()`` yields whole pages instead.

    ``consistent_through`` is the earliest ``X-Experience-API-Consistent-Through``
    seen so far (``None`` if the LRS sends none), ``pages_fetched`` counts pages.
    """

    def __init__(self, transport: Transport, filters: Filters) -> None:
        self._transport = transport
        self.filters = filters
        self.consistent_through: datetime | None = None
        self.pages_fetched = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for page in self.pages():
            yield from page.statements

    def pages(self) -> Iterator[Page]:
        endpoint = self._transport.endpoint
        url = endpoint.url("statements")
        params: dict[str, str] | None = self.filters.params()
        last_more: str | None = None
        while True:
            page = self._fetch(url, params)
            yield page
            if not page.more:
                return
            following = endpoint.resolve(page.more)
            if not endpoint.same_origin(following):
                raise ProtocolError(
                    "the LRS sent a 'more' link to another server; not following it "
                    "(it would receive our credentials)"
                )
            if following == last_more:
                raise ProtocolError(
                    f"the LRS sent the same 'more' link twice ({page.more}); stopping"
                )
            last_more = url = following
            params = None

    def _fetch(self, url: str, params: dict[str, str] | None) -> Page:
        response = self._transport.request("GET", url, params=params)
        self.pages_fetched += 1
        content_type = response.headers.get("Content-Type", "")
        attachments: dict[str, bytes] = {}
        if content_type.lower().startswith("multipart/"):
            document, attachments = decode_multipart(response.content, content_type)
        else:
            try:
                document = response.json()
            except ValueError:
                raise ProtocolError("the LRS answered a statements query with non-JSON") from None
        if not isinstance(document, dict) or not isinstance(document.get("statements"), list):
            raise ProtocolError("the LRS's answer has no 'statements' list")
        consistent = parse_time(response.headers.get(CONSISTENT_THROUGH))
        if consistent and (self.consistent_through is None or consistent < self.consistent_through):
            self.consistent_through = consistent
        more = document.get("more")
        return Page(
            statements=document["statements"],
            more=more if isinstance(more, str) and more.strip() else None,
            consistent_through=consistent,
            attachments=attachments,
        )
