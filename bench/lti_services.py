"""LTI services: what the token and roster caches save.

Baseline: an uncached roster read, as a tool without caches would do on every
leader page: a client assertion signed, a token request (the platform then
fetches the tool's JWKS and verifies it), and every NRPS page, all over real
HTTP on loopback against the development LMS. Subjects: the same read with a
cached access token (pages still fetched), and with the roster cached too.
Then 1,000 roster reads through one application's clients, counting the
platform's token grants (goal: 1) and NRPS pages served (goal: one roster's
worth). ``python -m bench lti_services``.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify

from bench._size import size
from plugin.lti.keys import SigningKey
from plugin.lti.nrps import NrpsClient
from plugin.lti.outbound import OutboundClient, PrivateHosts
from plugin.lti.service_token import ServiceAccess, ServiceTokenClient
from plugin.lti_platform import TestPlatform, create_platform_app
from plugin.lti_platform.server import serve_in_thread
from plugin.lti_platform.services import services_of

# The development LMS runs on 127.0.0.1, the one private host allowed here.
LOOPBACK = OutboundClient(PrivateHosts.parse("127.0.0.1"))
MEMBERS = 200
PAGE_SIZE = 50
ROUNDS = int(os.environ.get("BENCH_LTI_SERVICES_ROUNDS", str(size(30, 2))))
READS = int(os.environ.get("BENCH_LTI_SERVICES_READS", str(size(1000, 5))))
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def _timed(call: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = SigningKey("bench-tool", private)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    tool = Flask("bench-tool")
    tool.add_url_rule("/jwks", "jwks", lambda: jsonify(keys=[jwk | {"kid": key.kid}]))
    tool_server = serve_in_thread(tool)

    platform = TestPlatform("http://placeholder")
    lms = create_platform_app(platform)
    lms_server = serve_in_thread(lms)
    platform.issuer = lms_server.url
    state = services_of(lms)
    state.page_size = PAGE_SIZE
    state.add_client("bench-client", tool_server.url + "/jwks")
    state.set_roster(
        "5",
        [{"user_id": str(i), "roles": [LEARNER], "name": f"P {i}"} for i in range(MEMBERS)],
    )
    access = ServiceAccess(lms_server.url, "bench-client", lms_server.url + "/platform/token", key)
    url = lms_server.url + "/platform/nrps/5/memberships"
    try:

        def uncached() -> object:
            return NrpsClient(ServiceTokenClient(LOOPBACK), ttl=0).roster(access, url)

        warm_tokens = ServiceTokenClient(LOOPBACK)
        token_only = NrpsClient(warm_tokens, ttl=0)
        token_only.roster(access, url)
        full = NrpsClient(warm_tokens, ttl=300)
        full.roster(access, url)

        uncached()  # warm-up: connections, imports
        results = []
        for name, call in (
            ("uncached (baseline)", uncached),
            ("token cached", lambda: token_only.roster(access, url)),
            ("token + roster cached", lambda: full.roster(access, url)),
        ):
            results.append((name, _timed(call, ROUNDS)))
        base = results[0][1]
        print(f"roster of {MEMBERS} members in pages of {PAGE_SIZE}, median of {ROUNDS}")
        print("| read | time per roster read | vs baseline |")
        print("|---|---|---|")
        for name, seconds in results:
            print(f"| {name} | {seconds * 1e6:,.1f} us | {seconds / base:.5f}x |")

        tokens_before, app_tokens = state.token_requests, ServiceTokenClient(LOOPBACK)
        app_nrps = NrpsClient(app_tokens, ttl=300)
        for _ in range(READS):
            app_nrps.roster(access, url)
        print(
            f"{READS} roster reads through one app's clients: "
            f"{state.token_requests - tokens_before} token grant(s) at the platform (goal 1), "
            f"{app_nrps.pages_fetched} NRPS page(s) fetched (goal {MEMBERS // PAGE_SIZE})"
        )
    finally:
        lms_server.stop()
        tool_server.stop()
