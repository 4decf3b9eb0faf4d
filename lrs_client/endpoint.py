"""Normalising the LRS endpoint the way people type it.

People paste ``https://lrs/xapi``, ``https://lrs/xapi/`` or
``https://lrs/xapi/statements``; all mean the same base. Credentials in the
URL are split off so they never get printed with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

from lrs_client.errors import ConfigError

log = logging.getLogger("lrs_client")


@dataclass(frozen=True)
class Endpoint:
    """The LRS base URL, always ending with a slash, without user info."""

    base: str
    username: str | None = None
    password: str | None = None

    def url(self, resource: str) -> str:
        """Absolute URL of ``resource`` (``statements``, ``activities/state``, ...)."""
        return self.base + resource.lstrip("/")

    def resolve(self, link: str) -> str:
        """Resolve a ``more`` link (relative to the host or absolute)."""
        return urljoin(self.base, link)

    def same_origin(self, url: str) -> bool:
        a, b = urlsplit(self.base), urlsplit(url)
        mine = _origin(a)
        return mine is not None and mine == _origin(b)

    def __repr__(self) -> str:
        return f"Endpoint({self.base!r})"


def parse_endpoint(raw: str) -> Endpoint:
    """Validate and normalise ``raw``; warn when a ``/statements`` suffix was dropped."""
    text = raw.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            "the LRS endpoint must be an http(s) URL such as https://lrs.example.org/xapi/"
        )
    path = parts.path or "/"
    stripped = path.rstrip("/")
    if stripped.lower().endswith("/statements"):
        path = stripped[: -len("/statements")]
        log.warning(
            "LRS endpoint should be the xAPI base, not the statements resource; using %s",
            urlunsplit((parts.scheme, _netloc(parts.hostname, parts.port), path + "/", "", "")),
        )
    if not path.endswith("/"):
        path += "/"
    base = urlunsplit((parts.scheme, _netloc(parts.hostname, parts.port), path, "", ""))
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return Endpoint(base=base, username=username, password=password)


def without_credentials(raw: str) -> str:
    """``raw`` as it may be shown (on a page, in a log): as typed, but for the
    user name and password of a URL such as ``https://key:secret@lrs/xapi/``."""
    text = raw.strip()
    parts = urlsplit(text)
    if "@" not in parts.netloc:
        return text
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))


def _netloc(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(parts: SplitResult) -> tuple[str, str | None, int | None] | None:
    """Scheme, host and port, the default port filled in (``https://h/`` is ``https://h:443/``).

    ``None`` when the port is not a valid number: such a URL matches no origin.
    """
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        return None
    return scheme, parts.hostname, port or _DEFAULT_PORTS.get(scheme)
