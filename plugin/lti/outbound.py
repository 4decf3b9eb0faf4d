"""The one HTTP client for every request the tool sends to a URL a platform
(or anyone opening ``/lti/register``) chose: openid-configuration,
registration endpoint, JWKS, token endpoint, NRPS and AGS.

Those URLs are attacker-controlled until an admin approved the platform, and
even an approved platform could name an internal address for its services,
so a request must not reach the tool's own network (server-side request
forgery). The host is resolved once, every address it resolves to is
checked, and the socket connects to the checked address (a DNS answer that
changes between the check and the connect cannot slip through): loopback,
private (RFC 1918, ULA), link-local (cloud metadata), shared and reserved
addresses are refused unless the host or the address is on
the allow-list ``LEADERLED_LTI_PRIVATE_HOSTS`` (an LMS on an internal
network); multicast and unspecified addresses are always refused.
Environment proxies are ignored (a proxy would resolve names where the check
cannot see). Redirects are never followed (a public URL could redirect
inward), the body is read up to a size cap, and the whole exchange has a
deadline, so a slow or endless answer cannot hold a worker.

What an outside server answered is never put in an :class:`OutboundRefused`
``reason`` (shown to whoever triggered the call); ``detail`` carries it for
the log.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import parse_header_links
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from plugin.lti.errors import shown

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 10.0
DEADLINE = 15.0
MAX_BODY = 256 * 1024
CHUNK = 16 * 1024
# RFC 1035: a host name of at most 253 characters in labels of at most 63.
MAX_HOST = 253
MAX_LABEL = 63

HOST_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")

CONFIG_KEY = "LTI_PRIVATE_HOSTS"
ENV_NAME = "LEADERLED_" + CONFIG_KEY

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class OutboundRefused(requests.RequestException):
    """A request we would not send or whose answer we would not read in full.
    A :class:`requests.RequestException`, so callers treat it like an
    unreachable host. ``reason`` is safe to show to anyone (it names the URL
    the caller gave, never what a server answered); ``detail`` is for the log."""

    def __init__(self, reason: str, *, detail: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or reason


@dataclass(frozen=True)
class PrivateHosts:
    """The private hosts and networks an LMS really lives on: host names
    (exact, any case) and IP addresses or networks (``10.20.0.0/16``)."""

    names: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, raw: str | Iterable[str] | None) -> PrivateHosts:
        """``"moodle.internal, 10.20.0.0/16 127.0.0.1"``; raises ValueError
        naming ``LEADERLED_LTI_PRIVATE_HOSTS`` on an entry it cannot read."""
        if raw is None:
            return cls()
        items = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
        names: set[str] = set()
        networks: list[Network] = []
        for item in items:
            entry = item.strip().strip("[]").lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            if "/" in entry or ":" in entry or not valid_host_name(entry):
                raise ValueError(
                    f"{ENV_NAME}: {shown(item)} is neither a host name nor an IP address or "
                    "network (such as moodle.internal, 10.20.0.5 or 10.20.0.0/16)"
                )
            names.add(entry)
        return cls(frozenset(names), tuple(networks))

    def __bool__(self) -> bool:
        return bool(self.names or self.networks)

    def allows(self, host: str, address: Address) -> bool:
        if host.lower().strip("[]") in self.names:
            return True
        forms = {address, _plain(address)}
        return any(a.version == net.version and a in net for a in forms for net in self.networks)


def _plain(address: Address) -> Address:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address: Address) -> bool:
    address = _plain(address)
    return address.is_global and not address.is_multicast and not address.is_reserved


def address_allowed(host: str, address: Address, private: PrivateHosts) -> bool:
    """May the tool talk to ``address`` (reached by the name ``host``)?"""
    plain = _plain(address)
    if plain.is_unspecified or plain.is_multicast:
        return False
    return is_public(plain) or private.allows(host, address)


def valid_host_name(host: str) -> bool:
    """A DNS name the resolver can take (length limits; IDNA-encodable)."""
    if not host or len(host) > MAX_HOST:
        return False
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return all(HOST_LABEL.fullmatch(label) for label in encoded.rstrip(".").split("."))


def check_url(url: str) -> None:
    """Refuse what is not an absolute http(s) URL with a usable host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  raises ValueError on a port out of range
    except ValueError as exc:
        raise OutboundRefused(f"{for_log(url)} is not a valid URL") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise OutboundRefused(f"{for_log(url)} is not an absolute http(s) URL")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not valid_host_name(host):
            raise OutboundRefused(f"{for_log(url)} does not name a valid host") from None


def same_origin(first: str, other: str) -> bool:
    """Same scheme, host and port (default ports spelled out or not): a
    service's ``Link: next`` may only lead there, since the request carries
    the platform's access token."""

    def origin(url: str) -> tuple[str, str, int] | None:
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            return None
        host = (parts.hostname or "").lower()
        return (parts.scheme.lower(), host, port) if host else None

    mine = origin(first)
    return mine is not None and mine == origin(other)


def for_log(url: object) -> str:
    """A URL fit for a log line or a message: printable, one line, short."""
    return shown(url)


class _PeerRefused(Exception):
    """Raised from inside urllib3 when the connected address is not allowed.
    Not an OSError, so urllib3 and requests pass it through unwrapped."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(address)
        self.host = host
        self.address = address


class _PeerCheck:
    """Mixed into urllib3's connections: resolve the host once, refuse it if
    any of its addresses is not allowed, and connect to the address that was
    checked (a DNS answer that changes after the check changes nothing)."""

    private_hosts: PrivateHosts = PrivateHosts()
    host: str
    port: int
    _dns_host: str

    def _new_conn(self) -> socket.socket:
        name = self._dns_host
        try:
            infos = socket.getaddrinfo(name, self.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            infos = []  # urllib3 reports the failure in its own words below
        addresses = [str(info[4][0]).split("%", 1)[0] for info in infos]
        for address in addresses:
            if not address_allowed(self.host, ipaddress.ip_address(address), self.private_hosts):
                raise _PeerRefused(self.host, address)
        if addresses:
            self._dns_host = addresses[0]
        try:
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        finally:
            self._dns_host = name
        return sock


def _adapter(private: PrivateHosts) -> HTTPAdapter:
    """A requests adapter whose connections run :class:`_PeerCheck`."""
    policy = {"private_hosts": private}
    http_conn = type("CheckedHTTPConnection", (_PeerCheck, HTTPConnection), policy)
    https_conn = type("CheckedHTTPSConnection", (_PeerCheck, HTTPSConnection), policy)
    http_pool = type("CheckedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("CheckedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})

    class CheckedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}

    return CheckedAdapter(max_retries=0)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str = ""

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            return None

    @property
    def links(self) -> dict[str, dict[str, str]]:
        """The ``Link`` header by ``rel``, as ``requests.Response.links``."""
        header = self.headers.get("link")
        found: dict[str, dict[str, str]] = {}
        for link in parse_header_links(header) if header else []:
            key = link.get("rel") or link.get("url")
            if key:
                found[key] = link
        return found


@dataclass
class OutboundClient:
    """One pooled session with the checks above; safe to share between threads."""

    private_hosts: PrivateHosts = field(default_factory=PrivateHosts)
    _session: requests.Session = field(init=False, repr=False)

    def __post_init__(self) -> None:
        session = requests.Session()
        session.trust_env = False  # no environment proxies: they would bypass the peer check
        adapter = _adapter(self.private_hosts)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self._session = session

    def close(self) -> None:
        self._session.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        max_body: int = MAX_BODY,
        deadline: float = DEADLINE,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    ) -> Answer:
        """Send one request: no redirects, at most ``max_body`` bytes read,
        the whole exchange within ``deadline`` seconds. Raises
        :class:`OutboundRefused` for what the checks refuse, other
        :class:`requests.RequestException` for network failures."""
        check_url(url)
        started = time.monotonic()
        try:
            with self._session.request(
                method,
                url,
                headers=dict(headers or {}),
                json=json_body,
                data=data,
                params=params,
                timeout=timeout,
                stream=True,
                allow_redirects=False,
            ) as response:
                body = _read(response, url, max_body, deadline, started)
                return Answer(
                    response.status_code, CaseInsensitiveDict(response.headers), body, url
                )
        except _PeerRefused as refused:
            raise OutboundRefused(
                f"{for_log(url)} is on a private or local network; the tool only calls "
                f"public hosts and those listed in {ENV_NAME}",
                detail=f"{for_log(url)}: {refused.host} resolves to {refused.address}, "
                f"which is private and not in {ENV_NAME}",
            ) from None
        except (ValueError, UnicodeError) as exc:  # header values, IDNA, ports
            raise OutboundRefused(
                f"could not send the request to {for_log(url)}", detail=f"{type(exc).__name__}"
            ) from exc


def _read(
    response: requests.Response, url: str, max_body: int, deadline: float, started: float
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        # At most one read from the socket per chunk, so a server that
        # drips bytes meets the deadline check between reads.
        chunk = response.raw.read1(CHUNK, decode_content=True)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_body:
            raise OutboundRefused(f"the answer from {for_log(url)} is larger than {max_body} bytes")
        if time.monotonic() - started > deadline:
            raise OutboundRefused(f"{for_log(url)} took longer than {deadline:g} s to answer")
        chunks.append(chunk)


def describe(exc: requests.RequestException) -> str:
    """For a person: what went wrong, without anything a server said."""
    if isinstance(exc, OutboundRefused):
        return exc.reason
    if isinstance(exc, requests.Timeout):
        return "it did not answer in time"
    return "it could not be reached"


def detail(exc: requests.RequestException) -> str:
    """For the log: the refusal's detail or the exception's type."""
    if isinstance(exc, OutboundRefused):
        return exc.detail
    return type(exc).__name__
