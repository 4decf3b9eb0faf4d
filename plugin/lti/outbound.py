"""Every HTTP request the LTI layer sends to a URL a platform (or anyone
opening ``/lti/register``) chose: the platform's openid-configuration, its
registration endpoint and its JWKS.

Those URLs are attacker-controlled until an admin approved the platform, so a
request must not reach the tool's own network (server-side request forgery):
the host is resolved and loopback, private (RFC 1918, ULA), link-local
(cloud metadata), multicast, reserved and unspecified addresses are refused
unless the ``LTI_ALLOW_PRIVATE_URLS`` config key is true (tests, the demo and
the development LMS run on 127.0.0.1). Redirects are never followed (a public
URL could redirect inward), the body is read up to a size cap, and the whole
exchange has a deadline, so a slow or endless answer cannot hold a worker.

Known limit: the name is resolved here and again by the HTTP client, so a DNS
server answering differently the second time (DNS rebinding) is not stopped.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from plugin.lti.errors import shown

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 10.0
DEADLINE = 15.0
MAX_BODY = 256 * 1024
CHUNK = 16 * 1024

CONFIG_KEY = "LTI_ALLOW_PRIVATE_URLS"


class OutboundRefused(requests.RequestException):
    """A request we would not send or whose answer we would not read in full.
    A :class:`requests.RequestException`, so callers treat it like an
    unreachable host; ``reason`` is safe to show to an admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def for_log(url: object) -> str:
    """A URL fit for a log line or a message: printable, one line, short."""
    return shown(url)


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast or address.is_reserved


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to an address
    of the tool's own network (unless ``allow_private``)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise OutboundRefused(f"{for_log(url)} is not a valid URL") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise OutboundRefused(f"{for_log(url)} is not an absolute http(s) URL")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise OutboundRefused(f"the host of {for_log(url)} does not resolve") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if _forbidden(address):
            raise OutboundRefused(
                f"{for_log(url)} points to a private or local network address ({address}); "
                "the tool only calls public hosts (set LTI_ALLOW_PRIVATE_URLS for a test LMS)"
            )


def send(
    http: requests.Session | None,
    method: str,
    url: str,
    *,
    allow_private: bool,
    headers: dict[str, str] | None = None,
    json_body: Any = None,
    max_body: int = MAX_BODY,
    deadline: float = DEADLINE,
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
) -> Answer:
    """Send one request after :func:`check_url`; no redirects, at most
    ``max_body`` bytes read, and the whole exchange within ``deadline`` seconds."""
    check_url(url, allow_private=allow_private)
    started = time.monotonic()
    session = http if http is not None else requests.Session()
    try:
        with session.request(
            method,
            url,
            headers=headers,
            json=json_body,
            timeout=timeout,
            stream=True,
            allow_redirects=False,
        ) as response:
            chunks: list[bytes] = []
            size = 0
            while True:
                # At most one read from the socket per chunk, so a server that
                # drips bytes meets the deadline check between reads.
                chunk = response.raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_body:
                    raise OutboundRefused(
                        f"the answer from {for_log(url)} is larger than {max_body} bytes"
                    )
                if time.monotonic() - started > deadline:
                    raise OutboundRefused(
                        f"{for_log(url)} took longer than {deadline:g} s to answer"
                    )
                chunks.append(chunk)
            return Answer(response.status_code, dict(response.headers), b"".join(chunks))
    finally:
        if http is None:
            session.close()
