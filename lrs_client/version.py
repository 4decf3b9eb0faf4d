"""Choosing the xAPI version to speak, from the LRS's ``/about`` resource.

2.0.0 when the LRS offers it, else 1.0.3 (every 1.0.x LRS accepts 1.0.3
headers). LRSs without ``/about``, or whose ``/about`` is not the JSON the
spec describes, get 1.0.3 and a log line rather than an error: Ralph has no
``/about`` at all, ADL's reference LRS omits headers on it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from lrs_client.config import RetryPolicy
from lrs_client.errors import HTTPStatusError, LRSError, NotFound
from lrs_client.transport import Transport

log = logging.getLogger("lrs_client")

SUPPORTED = ("2.0.0", "1.0.3")
FALLBACK = "1.0.3"


@dataclass(frozen=True)
class VersionInfo:
    """What ``/about`` said and what we chose."""

    chosen: str
    offered: tuple[str, ...] = ()
    about_found: bool = False
    extensions: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def choose(offered: tuple[str, ...]) -> str | None:
    """The best version we speak among ``offered``; ``None`` when none fits."""
    if any(v.startswith("2.0") for v in offered):
        return "2.0.0"
    if any(v.startswith("1.0") for v in offered):
        return "1.0.3"
    return None


def negotiate(transport: Transport, *, retry: RetryPolicy | None = None) -> VersionInfo:
    """Ask ``/about`` (without a version header: it must answer any client)."""
    try:
        response = transport.request(
            "GET", transport.endpoint.url("about"), versioned=False, retry=retry
        )
    except (NotFound, HTTPStatusError) as error:
        if isinstance(error, NotFound) or error.status in (400, 405, 501):
            note = f"no usable /about (HTTP {error.status}); assuming {FALLBACK}"
            log.info(note)
            return VersionInfo(chosen=FALLBACK, note=note)
        raise
    try:
        about = json.loads(response.text)
    except ValueError:
        about = None
    versions = about.get("version") if isinstance(about, dict) else None
    if not isinstance(versions, list) or not all(isinstance(v, str) for v in versions):
        note = f"/about did not list versions; assuming {FALLBACK}"
        log.info(note)
        return VersionInfo(chosen=FALLBACK, about_found=True, note=note)
    offered = tuple(versions)
    chosen = choose(offered)
    if chosen is None:
        raise LRSError(
            f"the LRS offers xAPI versions {', '.join(offered) or 'none'}; "
            f"this client speaks {' and '.join(SUPPORTED)}"
        )
    extensions = about.get("extensions") if isinstance(about, dict) else None
    return VersionInfo(
        chosen=chosen,
        offered=offered,
        about_found=True,
        extensions=extensions if isinstance(extensions, dict) else {},
    )
