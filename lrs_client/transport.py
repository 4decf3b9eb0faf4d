"""One pooled HTTP session with timeouts, the version header, typed errors and retries.

Everything that goes over the wire passes through :meth:`Transport.request`,
so every request gets the same guarantees: explicit connect and read
timeouts, the ``X-Experience-API-Version`` header, retries on transient
failures (see :class:`~lrs_client.config.RetryPolicy`), and exceptions from
:mod:`lrs_client.errors` instead of ``requests``' own.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from lrs_client.config import RetryPolicy, Timeouts
from lrs_client.endpoint import Endpoint
from lrs_client.errors import (
    ConnectError,
    HTTPStatusError,
    ProtocolError,
    TimeoutError,
    TLSError,
    TransportError,
    status_error,
)

log = logging.getLogger("lrs_client")

USER_AGENT = "leaderled-lrs-client/0.1"


@dataclass
class TransportStats:
    """Counters an outbox worker or a benchmark can read."""

    requests: int = 0
    retries: int = 0
    bytes_sent: int = 0
    seconds_waiting: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def lrs_message(response: requests.Response) -> str:
    """What the LRS said about an error, from the usual JSON shapes or plain text."""
    text = response.text or ""
    try:
        body = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:500]
    if isinstance(body, dict):
        parts: list[str] = []
        for key in ("message", "error", "detail", "warnings", "errors"):
            value = body.get(key)
            if isinstance(value, str):
                parts.append(value)
            elif isinstance(value, list):
                parts.extend(v if isinstance(v, str) else json.dumps(v) for v in value)
            elif value is not None:
                parts.append(json.dumps(value))
        if parts:
            return "; ".join(parts)
    return json.dumps(body)[:500]


class Transport:
    """Sends requests to one LRS. Not thread-safe; use one per thread."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        auth: AuthBase | None,
        timeouts: Timeouts,
        retry: RetryPolicy,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.auth = auth
        self.timeouts = timeouts
        self.retry = retry
        self.session = session or requests.Session()
        # requests.Session pre-sets its own User-Agent (setdefault would keep it);
        # replace that one, but not one a caller set on an injected session.
        current = self.session.headers.get("User-Agent")
        if current is None or current == requests.utils.default_user_agent():
            self.session.headers["User-Agent"] = USER_AGENT
        self.version: str | None = None
        self.stats = TransportStats()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter only

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        data: bytes | None = None,
        ok: frozenset[int] = frozenset(),
        retry: RetryPolicy | None = None,
        versioned: bool = True,
    ) -> requests.Response:
        """Send with retries; return the response or raise a typed error.

        Statuses below 400 and those in ``ok`` are returned; others raise.
        """
        policy = retry or self.retry
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send_once(method, url, params, headers, data, versioned)
            except TLSError:
                raise  # a certificate or handshake problem does not heal on retry
            except TransportError as error:
                failure: LRSFailure = error
                wait = None
            else:
                status = response.status_code
                if 300 <= status < 400 and status != 304:
                    location = _shown(response.headers.get("Location", "")) or "elsewhere"
                    raise ProtocolError(
                        f"{method} {_shown(url)}: the LRS redirects (HTTP {status}) to "
                        f"{location}; use that address as the endpoint"
                    )
                if status < 400 or status in ok:
                    return response
                wait = parse_retry_after(response.headers.get("Retry-After"))
                failure = status_error(
                    status,
                    lrs_message(response),
                    method=method,
                    url=_shown(url),
                    retry_after=wait,
                )
                if status not in policy.retry_statuses:
                    raise failure
            delay = self._next_delay(policy, attempt, started, wait)
            if delay is None:
                raise failure
            log.info(
                "LRS %s %s failed (%s); retry %d in %.2fs",
                method,
                _shown(url),
                _brief(failure),
                attempt,
                delay,
            )
            self.stats.retries += 1
            self.stats.seconds_waiting += delay
            self._sleep(delay)

    def _next_delay(
        self, policy: RetryPolicy, attempt: int, started: float, asked: float | None
    ) -> float | None:
        if attempt >= policy.max_attempts:
            return None
        delay = asked if asked is not None else policy.backoff(attempt, self._rng)
        remaining = policy.max_total - (self._clock() - started)
        # The retry itself may wait a whole read timeout: only sleep when that fits too.
        if delay + self.timeouts.read > remaining:
            return None
        return delay

    def _send_once(  # noqa: PLR0917 - private
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        data: bytes | None,
        versioned: bool,
    ) -> requests.Response:
        merged: dict[str, str] = {}
        if versioned and self.version:
            merged["X-Experience-API-Version"] = self.version
        if headers:
            merged.update(headers)
        self.stats.requests += 1
        if data:
            self.stats.bytes_sent += len(data)
        shown = _shown(url)
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                headers=merged,
                data=data,
                auth=self.auth,
                timeout=self.timeouts.as_requests(),
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            raise TLSError(
                f"{method} {shown}: TLS failed ({_reason(exc)}); check the certificate "
                "and that the endpoint really serves https",
                method=method,
                url=shown,
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise TimeoutError(
                f"{method} {shown}: no connection within {self.timeouts.connect:g}s",
                method=method,
                url=shown,
            ) from None
        except requests.exceptions.ReadTimeout:
            raise TimeoutError(
                f"{method} {shown}: no answer within {self.timeouts.read:g}s",
                method=method,
                url=shown,
            ) from None
        except requests.exceptions.ConnectionError as exc:
            raise ConnectError(
                f"{method} {shown}: cannot reach the LRS ({_reason(exc)})",
                method=method,
                url=shown,
            ) from None
        except requests.exceptions.RequestException as exc:
            raise TransportError(
                f"{method} {shown}: request failed ({type(exc).__name__})",
                method=method,
                url=shown,
            ) from None
        self.stats.statuses[response.status_code] = (
            self.stats.statuses.get(response.status_code, 0) + 1
        )
        return response


LRSFailure = TransportError | HTTPStatusError


def _shown(url: str) -> str:
    """A URL without query string or user info, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _reason(exc: BaseException) -> str:
    """The innermost cause's text, short; requests nests the useful part deep."""
    text = str(exc)
    for marker in ("Caused by ", "] "):
        if marker in text:
            text = text.rsplit(marker, 1)[-1]
    text = text.strip("()'\" ")
    return text[:200] or type(exc).__name__


def _brief(error: Any) -> str:
    if isinstance(error, HTTPStatusError):
        return f"HTTP {error.status}"
    return type(error).__name__
