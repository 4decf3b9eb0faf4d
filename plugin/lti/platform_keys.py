"""Platform public keys, fetched from each platform's JWKS URL and cached.

Fetching on every launch (pylti1p3's default) costs a round trip per launch
and hammers the LMS. Here a key set is kept as long as its ``Cache-Control``
allows (bounded both ways); an unknown ``kid`` triggers one refetch, and at
most one refetch per URL per ``refetch_interval`` so forged kids cannot turn
us into a request amplifier against the platform.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import requests
from jwt import PyJWK
from jwt.exceptions import PyJWKError

from plugin.lti import outbound
from plugin.lti.errors import LtiError, shown

# (url) -> (status, headers, json body); a seam for tests and benchmarks.
Fetcher = Callable[[str], tuple[int, dict[str, str], Any]]

DEFAULT_TTL = 300.0
MIN_TTL = 30.0
MAX_TTL = 24 * 3600.0
REFETCH_INTERVAL = 10.0
FETCH_TIMEOUT = 5.0
# The whole fetch, however slowly the platform drips its answer.
FETCH_DEADLINE = 8.0
MAX_JWKS = 256 * 1024
MAX_URLS = 256


def http_fetch(url: str, *, allow_private: bool = False) -> tuple[int, dict[str, str], Any]:
    """GET a key set through :mod:`plugin.lti.outbound`: public hosts only
    (unless ``allow_private``), no redirects, bounded size and time."""
    answer = outbound.send(
        None,
        "GET",
        url,
        allow_private=allow_private,
        headers={"Accept": "application/json"},
        max_body=MAX_JWKS,
        deadline=FETCH_DEADLINE,
        timeout=(outbound.CONNECT_TIMEOUT, FETCH_TIMEOUT),
    )
    return answer.status, answer.headers, answer.json()


def fetcher(*, allow_private: bool) -> Fetcher:
    """:func:`http_fetch` with the deployment's private-address policy."""
    return partial(http_fetch, allow_private=allow_private)


def _why(exc: requests.RequestException) -> str:
    return exc.reason if isinstance(exc, outbound.OutboundRefused) else type(exc).__name__


_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def ttl_from_cache_control(header: str | None) -> float:
    """Seconds to keep a key set: its max-age, clamped to [MIN_TTL, MAX_TTL]."""
    if not header:
        return DEFAULT_TTL
    lowered = header.lower()
    if "no-store" in lowered or "no-cache" in lowered:
        return MIN_TTL
    match = _MAX_AGE.search(header)
    if not match:
        return DEFAULT_TTL
    return min(max(float(match.group(1)), MIN_TTL), MAX_TTL)


@dataclass
class _Entry:
    keys: dict[str, PyJWK] = field(default_factory=dict)
    expires_at: float = 0.0
    fetched_at: float = float("-inf")
    # Last refetch caused by an unknown kid (the rate-limited kind).
    kid_refetch_at: float = float("-inf")


class PlatformKeyCache:
    """Thread-safe cache of platform JWKS, one entry per JWKS URL."""

    def __init__(
        self,
        fetch: Fetcher = http_fetch,
        *,
        clock: Callable[[], float] = time.monotonic,
        refetch_interval: float = REFETCH_INTERVAL,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._refetch_interval = refetch_interval
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self.fetch_count = 0

    def key_for(self, jwks_url: str, kid: str) -> PyJWK:
        """The platform key named ``kid``, or an error an admin can act on."""
        with self._lock:
            entry = self._entries.get(jwks_url)
            now = self._clock()
            fresh = entry is None or now >= entry.expires_at
            if entry is None or fresh:
                entry = self._refresh(jwks_url, now)
            elif kid not in entry.keys and now - entry.kid_refetch_at >= self._refetch_interval:
                # An unknown kid may mean the platform rotated its key: look once more,
                # but at most once per interval, whatever kids an attacker invents.
                previous = entry
                entry = self._refresh(jwks_url, now)
                entry.kid_refetch_at = now
                previous.kid_refetch_at = now
            key = entry.keys.get(kid)
        if key is None:
            raise LtiError(
                f"The platform signed the launch with key id '{shown(kid)}', which its key set "
                f"at {shown(jwks_url)} does not publish. Check the platform's public keyset URL "
                "in the tool registration."
            )
        return key

    def _refresh(self, jwks_url: str, now: float) -> _Entry:
        self.fetch_count += 1
        old = self._entries.get(jwks_url)
        try:
            status, headers, body = self._fetch(jwks_url)
        except requests.RequestException as exc:
            if old is not None:  # keep serving what we had; try again later
                old.fetched_at = now
                return old
            raise LtiError(
                f"Could not fetch the platform's public keys from {shown(jwks_url)} "
                f"({_why(exc)}). Check the keyset URL and that the tool can reach it."
            ) from exc
        if status != 200 or not isinstance(body, dict) or not isinstance(body.get("keys"), list):
            if old is not None:
                old.fetched_at = now
                return old
            raise LtiError(
                f"The platform's keyset URL {shown(jwks_url)} answered HTTP {status} without a "
                "JSON key set. Check the keyset URL in the tool registration."
            )
        keys: dict[str, PyJWK] = {}
        for raw in body["keys"]:
            if not isinstance(raw, dict) or not isinstance(raw.get("kid"), str):
                continue
            if raw.get("kty") != "RSA" or raw.get("use", "sig") != "sig":
                continue
            try:
                keys[raw["kid"]] = PyJWK(raw, algorithm="RS256")
            except PyJWKError:
                continue
        lowered = {k.lower(): v for k, v in headers.items()}
        entry = _Entry(
            keys=keys,
            expires_at=now + ttl_from_cache_control(lowered.get("cache-control")),
            fetched_at=now,
        )
        if jwks_url not in self._entries and len(self._entries) >= MAX_URLS:
            self._entries.pop(next(iter(self._entries)))
        self._entries[jwks_url] = entry
        return entry
