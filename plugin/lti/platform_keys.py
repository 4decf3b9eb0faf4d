"""Platform public keys, fetched from each platform's JWKS URL and cached.

Fetching on every launch (pylti1p3's default) costs a round trip per launch
and hammers the LMS. Here a key set is kept as long as its ``Cache-Control``
allows (bounded both ways); an unknown ``kid`` triggers one refetch, and at
most one refetch per URL per ``refetch_interval`` so forged kids cannot turn
us into a request amplifier against the platform.
"""

from __future__ import annotations

import logging
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

log = logging.getLogger(__name__)

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


def http_fetch(
    url: str, *, client: outbound.OutboundClient | None = None
) -> tuple[int, dict[str, str], Any]:
    """GET a key set through the outbound client (public hosts and the
    allow-listed private ones only, no redirects, bounded size and time)."""
    own = client is None
    http = client if client is not None else outbound.OutboundClient()
    try:
        answer = _get(http, url)
    finally:
        if own:
            http.close()
    log.info("fetched the platform keys at %s: HTTP %s", shown(url), answer.status)
    return answer.status, dict(answer.headers), answer.json()


def _get(http: outbound.OutboundClient, url: str) -> outbound.Answer:
    return http.send(
        "GET",
        url,
        headers={"Accept": "application/json"},
        max_body=MAX_JWKS,
        deadline=FETCH_DEADLINE,
        timeout=(outbound.CONNECT_TIMEOUT, FETCH_TIMEOUT),
    )


def fetcher(client: outbound.OutboundClient) -> Fetcher:
    """:func:`http_fetch` through the application's outbound client."""
    return partial(http_fetch, client=client)


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
        # Guards the two dicts only; never held during network I/O.
        self._lock = threading.Lock()
        self._url_locks: dict[str, threading.Lock] = {}
        self.fetch_count = 0

    def key_for(self, jwks_url: str, kid: str) -> PyJWK:
        """The platform key named ``kid``, or an error an admin can act on.

        The network fetch runs under a lock of its own URL only: a slow or
        unreachable platform delays its own launches, never another platform's.
        Launches waiting on the same URL find the key set the first one fetched.
        """
        with self._lock:
            entry = self._entries.get(jwks_url)
            if self._due(entry, kid, self._clock()) is None:
                return self._key(entry, jwks_url, kid)
            url_lock = self._url_locks.get(jwks_url)
            if url_lock is None:
                if len(self._url_locks) >= 2 * MAX_URLS:
                    for url in [u for u, lk in self._url_locks.items() if not lk.locked()]:
                        del self._url_locks[url]
                url_lock = self._url_locks[jwks_url] = threading.Lock()
        with url_lock:
            with self._lock:  # another launch may have fetched while this one waited
                entry = self._entries.get(jwks_url)
                now = self._clock()
                due = self._due(entry, kid, now)
                if due is None:
                    return self._key(entry, jwks_url, kid)
                if due == "kid" and entry is not None:
                    # An unknown kid may mean the platform rotated its key: look once
                    # more, but at most once per interval, whatever kids an attacker invents.
                    entry.kid_refetch_at = now
                self.fetch_count += 1
            fetched = self._download(jwks_url, now)  # no global lock held
            with self._lock:
                entry = self._store(jwks_url, now, fetched)
                if due == "kid":
                    entry.kid_refetch_at = now
                return self._key(entry, jwks_url, kid)

    def _due(self, entry: _Entry | None, kid: str, now: float) -> str | None:
        """Why the key set must be fetched now ("stale" or "kid"), or None."""
        if entry is None or now >= entry.expires_at:
            return "stale"
        if kid not in entry.keys and now - entry.kid_refetch_at >= self._refetch_interval:
            return "kid"
        return None

    @staticmethod
    def _key(entry: _Entry | None, jwks_url: str, kid: str) -> PyJWK:
        key = entry.keys.get(kid) if entry is not None else None
        if key is None:
            raise LtiError(
                f"The platform signed the launch with key id '{shown(kid)}', which its key set "
                f"at {shown(jwks_url)} does not publish. Check the platform's public keyset URL "
                "in the tool registration."
            )
        return key

    def _download(self, jwks_url: str, now: float) -> _Entry | LtiError:
        """Fetch and parse a key set (network I/O: called without the global lock)."""
        try:
            status, headers, body = self._fetch(jwks_url)
        except requests.RequestException as exc:
            log.info("platform keys at %s not fetched: %s", shown(jwks_url), outbound.detail(exc))
            return LtiError(
                f"Could not fetch the platform's public keys from {shown(jwks_url)}: "
                f"{outbound.describe(exc)}. Check the keyset URL in the tool registration and "
                "that the tool can reach it."
            )
        if status != 200 or not isinstance(body, dict) or not isinstance(body.get("keys"), list):
            return LtiError(
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
        return _Entry(
            keys=keys,
            expires_at=now + ttl_from_cache_control(lowered.get("cache-control")),
            fetched_at=now,
        )

    def _store(self, jwks_url: str, now: float, fetched: _Entry | LtiError) -> _Entry:
        """Keep a fetched key set (under the global lock); on a failed fetch keep
        serving what we had, or raise when there is nothing."""
        old = self._entries.get(jwks_url)
        if isinstance(fetched, LtiError):
            if old is not None:  # keep serving what we had; try again later
                old.fetched_at = now
                return old
            raise fetched
        if jwks_url not in self._entries and len(self._entries) >= MAX_URLS:
            self._entries.pop(next(iter(self._entries)))
        self._entries[jwks_url] = fetched
        return fetched
