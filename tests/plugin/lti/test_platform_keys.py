"""The platform JWKS cache: Cache-Control, one rate-limited refetch per unknown kid."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect
from jwt.algorithms import RSAAlgorithm
from werkzeug.serving import make_server

from plugin.lti.errors import LtiError
from plugin.lti.outbound import OutboundClient, PrivateHosts
from plugin.lti.platform_keys import (
    MAX_TTL,
    MIN_TTL,
    PlatformKeyCache,
    fetcher,
    http_fetch,
    ttl_from_cache_control,
)

URL = "https://lms.example.org/jwks"


def jwk(kid: str) -> dict[str, Any]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    return {**json.loads(RSAAlgorithm.to_jwk(key)), "kid": kid, "use": "sig"}


class FakeLms:
    """Serves a key set with a Cache-Control header and counts fetches."""

    def __init__(self, *kids: str, cache_control: str = "max-age=300") -> None:
        self.keys = [jwk(k) for k in kids]
        self.cache_control = cache_control
        self.fetches = 0

    def __call__(self, url: str) -> tuple[int, dict[str, str], Any]:
        self.fetches += 1
        return 200, {"Cache-Control": self.cache_control}, {"keys": self.keys}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("header", "ttl"),
    [
        ("max-age=600", 600),
        ("public, max-age=120, must-revalidate", 120),
        ("max-age=1", MIN_TTL),
        ("max-age=99999999", MAX_TTL),
        ("no-store", MIN_TTL),
        (None, 300),
    ],
)
def test_ttl_from_cache_control(header: str | None, ttl: float) -> None:
    assert ttl_from_cache_control(header) == ttl


def test_keys_are_cached_for_max_age() -> None:
    lms, clock = FakeLms("k1", cache_control="max-age=600"), Clock()
    cache = PlatformKeyCache(lms, clock=clock)
    for _ in range(1000):
        cache.key_for(URL, "k1")
    assert lms.fetches == 1
    clock.now += 599
    cache.key_for(URL, "k1")
    assert lms.fetches == 1
    clock.now += 2
    cache.key_for(URL, "k1")
    assert lms.fetches == 2


def test_rotated_platform_key_is_found_by_one_refetch() -> None:
    lms, clock = FakeLms("k1"), Clock()
    cache = PlatformKeyCache(lms, clock=clock)
    cache.key_for(URL, "k1")
    lms.keys = [jwk("k2")]
    assert cache.key_for(URL, "k2").key_id == "k2"
    assert lms.fetches == 2


def test_unknown_kids_refetch_at_most_once_per_interval() -> None:
    lms, clock = FakeLms("k1"), Clock()
    cache = PlatformKeyCache(lms, clock=clock, refetch_interval=10)
    cache.key_for(URL, "k1")
    for i in range(50):
        with pytest.raises(LtiError, match="does not publish"):
            cache.key_for(URL, f"forged-{i}")
    assert lms.fetches == 2
    clock.now += 10
    with pytest.raises(LtiError):
        cache.key_for(URL, "forged-again")
    assert lms.fetches == 3


def test_unreachable_jwks_is_a_clear_error_and_stale_keys_keep_working() -> None:
    import requests

    clock = Clock()
    lms = FakeLms("k1", cache_control="max-age=60")
    cache = PlatformKeyCache(lms, clock=clock)
    cache.key_for(URL, "k1")

    def down(url: str) -> tuple[int, dict[str, str], Any]:
        raise requests.ConnectionError("refused")

    cache._fetch = down
    clock.now += 120
    assert cache.key_for(URL, "k1").key_id == "k1"  # served stale rather than failing
    fresh = PlatformKeyCache(down, clock=clock)
    with pytest.raises(LtiError, match="Could not fetch the platform's public keys"):
        fresh.key_for(URL, "k1")
    broken = PlatformKeyCache(lambda url: (404, {}, None), clock=clock)
    with pytest.raises(LtiError, match="answered HTTP 404"):
        broken.key_for(URL, "k1")


@pytest.fixture
def keyset_server() -> Iterator[str]:
    """A loopback server: a key set, a redirect inward and an oversized answer."""
    app = Flask("keyset")
    app.add_url_rule("/jwks", "jwks", lambda: jsonify({"keys": [jwk("k1")]}))
    app.add_url_rule(
        "/moved", "moved", lambda: redirect("http://169.254.169.254/latest/meta-data/")
    )
    app.add_url_rule("/huge", "huge", lambda: jsonify({"keys": [], "pad": "x" * 600_000}))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


LOOPBACK = OutboundClient(PrivateHosts.parse("127.0.0.1"))


def test_http_fetch_refuses_loopback_by_default(keyset_server: str) -> None:
    cache = PlatformKeyCache(http_fetch)
    with pytest.raises(LtiError, match=r"private or local network; .*LEADERLED_LTI_PRIVATE_HOSTS"):
        cache.key_for(keyset_server + "/jwks", "k1")
    allowed = PlatformKeyCache(fetcher(LOOPBACK))
    assert allowed.key_for(keyset_server + "/jwks", "k1").key_id == "k1"


def test_http_fetch_follows_no_redirect(keyset_server: str) -> None:
    status, _, body = http_fetch(keyset_server + "/moved", client=LOOPBACK)
    assert (status, body) == (302, None)
    cache = PlatformKeyCache(fetcher(LOOPBACK))
    with pytest.raises(LtiError, match="answered HTTP 302"):
        cache.key_for(keyset_server + "/moved", "k1")


def test_http_fetch_caps_the_body(keyset_server: str) -> None:
    cache = PlatformKeyCache(fetcher(LOOPBACK))
    with pytest.raises(LtiError, match="larger than"):
        cache.key_for(keyset_server + "/huge", "k1")


def test_a_slow_platform_does_not_hold_up_another() -> None:
    """The fetch runs outside the cache-wide lock: a platform whose key set
    hangs delays only its own launches. The slow fetch is held until the fast
    launch is done, so no clock is read: under a global lock the fast launch
    could never finish while the slow one is held (timing-free, so a loaded
    machine cannot make it flaky)."""
    slow_started, release, fast_done = threading.Event(), threading.Event(), threading.Event()
    fast = FakeLms("k1")
    found: list[str | None] = []

    def fetch(url: str) -> tuple[int, dict[str, str], Any]:
        if "slow" in url:
            slow_started.set()
            release.wait(120)
        return fast(url)

    def fast_launch() -> None:
        found.append(cache.key_for("https://fast.example/jwks", "k1").key_id)
        fast_done.set()

    cache = PlatformKeyCache(fetch)
    slow = threading.Thread(target=lambda: cache.key_for("https://slow.example/jwks", "k1"))
    slow.start()
    try:
        assert slow_started.wait(60)
        threading.Thread(target=fast_launch, daemon=True).start()
        assert fast_done.wait(60)
        assert not release.is_set()  # the slow platform was still being fetched
        assert found == ["k1"]
    finally:
        release.set()
        slow.join(60)


def test_concurrent_launches_of_one_platform_fetch_once() -> None:
    lms = FakeLms("k1")

    def fetch(url: str) -> tuple[int, dict[str, str], Any]:
        time.sleep(0.2)
        return lms(url)

    cache = PlatformKeyCache(fetch)
    found: list[str | None] = []
    threads = [
        threading.Thread(target=lambda: found.append(cache.key_for(URL, "k1").key_id))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert found == ["k1"] * 8
    assert lms.fetches == 1
