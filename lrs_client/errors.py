"""Typed errors raised by :mod:`lrs_client` (the tree is drawn in the package docstring).

Messages name the request (method and path) and quote what the LRS said, so a
person can act on them; they never contain credentials: URLs are shown
without user info, and request headers are never included.
"""

from __future__ import annotations

import re

#: Longest slice of an LRS's error body quoted in a message.
MAX_QUOTED = 500

# What LRSs say when a request lacks credentials or they are wrong, whatever the status:
# ADL's reference LRS answers a request without Authorization with 400 "Request has no
# authorization". ("authority" is a statement property: it must not match.)
_NO_CREDENTIALS = re.compile(
    r"\b(?:authori[sz]ation|unauthori[sz]ed|authenticat\w*|credentials?)\b", re.IGNORECASE
)


def about_credentials(lrs_message: str) -> bool:
    """True when an LRS's error text is about credentials rather than about a statement."""
    return _NO_CREDENTIALS.search(lrs_message) is not None


class LRSError(Exception):
    """Base class: anything that went wrong talking to an LRS."""


class ConfigError(LRSError, ValueError):
    """The client was set up wrongly (endpoint, auth, limits)."""


class InvalidStatement(LRSError, ValueError):
    """An input cannot be read as one xAPI statement (not JSON, not an object...)."""


class ProtocolError(LRSError):
    """The LRS answered something the xAPI spec does not allow (bad JSON, looping ``more``)."""


class TransportError(LRSError):
    """No HTTP answer: the connection failed, timed out or TLS broke."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class ConnectError(TransportError):
    """The LRS could not be reached (refused, DNS, reset before an answer)."""


class TLSError(TransportError):
    """The TLS handshake failed (certificate not trusted, wrong host name...)."""


class TimeoutError(TransportError):
    """Connecting or waiting for the answer took longer than the configured timeout."""


class HTTPStatusError(LRSError):
    """The LRS answered with an error status; ``lrs_message`` is what it said."""

    def __init__(
        self,
        status: int,
        lrs_message: str,
        *,
        method: str = "",
        url: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.retry_after = retry_after
        self.lrs_message = lrs_message[:MAX_QUOTED]
        self.method = method
        self.url = url
        where = f"{method} {url}: " if method else ""
        said = f": {self.lrs_message}" if self.lrs_message else ""
        super().__init__(f"{where}HTTP {status}{said}")


class BadRequest(HTTPStatusError):
    """400: the LRS rejected the request or statement; read ``lrs_message``."""


class AuthError(HTTPStatusError):
    """401/403: wrong credentials or missing permission; also a 400 that says the
    request has no credentials (ADL's reference LRS answers missing ones that way)."""


class SetupError(HTTPStatusError):
    """The LRS refused statements and a plain read alike: the set-up (credentials,
    endpoint, a proxy in between) is at fault, not any statement. ``status`` and
    ``lrs_message`` are the read's."""


class NotFound(HTTPStatusError):
    """404: no such resource (or the endpoint path is wrong)."""


class Conflict(HTTPStatusError):
    """409: a statement id exists with other content, or a document changed."""


class PreconditionFailed(HTTPStatusError):
    """412: the document's ETag no longer matches ``If-Match`` / ``If-None-Match``."""


class PayloadTooLarge(HTTPStatusError):
    """413: the request body is larger than the LRS accepts."""


class RateLimited(HTTPStatusError):
    """429: too many requests; ``retry_after`` is the wait (seconds) the LRS asked for."""


class ServerError(HTTPStatusError):
    """5xx: the LRS failed; 502/503/504 are retried before this is raised."""


_BY_STATUS: dict[int, type[HTTPStatusError]] = {
    400: BadRequest,
    401: AuthError,
    403: AuthError,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
}


def status_error(
    status: int,
    lrs_message: str,
    *,
    method: str,
    url: str,
    retry_after: float | None = None,
) -> HTTPStatusError:
    """The most specific error class for ``status``."""
    if status == 429:
        cls: type[HTTPStatusError] = RateLimited
    elif status >= 500:
        cls = ServerError
    elif status == 400 and about_credentials(lrs_message):
        cls = AuthError
    else:
        cls = _BY_STATUS.get(status, HTTPStatusError)
    return cls(status, lrs_message, method=method, url=url, retry_after=retry_after)
