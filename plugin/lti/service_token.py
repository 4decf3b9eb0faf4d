"""OAuth2 access tokens for LTI services (AGS, NRPS).

LTI 1.3 services use the client-credentials grant with a signed JWT client
assertion (RFC 7523, ``private_key_jwt``) made with the tool's current key.
Tokens are cached per (platform, client, scopes) until shortly before they
expire, so a busy course does not hit the platform's token endpoint on every
roster or grade call.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import jwt
import requests

from plugin.lti import outbound
from plugin.lti.errors import shown
from plugin.lti.keys import SigningKey
from plugin.lti.outbound import Answer, OutboundClient

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DEFAULT_TIMEOUT = (3.05, 10.0)
ASSERTION_LIFETIME = 300


class LtiServiceError(Exception):
    """A call to an LTI Advantage service failed; the message says why (for
    the log). :attr:`for_people` is what a teacher or learner is shown."""

    @property
    def for_people(self) -> str:
        return str(self)


class ServiceTokenError(LtiServiceError):
    """The platform did not give us an access token."""


class _Unreachable(LtiServiceError):
    def __init__(self, message: str, *, shown_as: str) -> None:
        super().__init__(message)
        self._shown_as = shown_as

    @property
    def for_people(self) -> str:
        return self._shown_as + "; if this keeps happening, tell your LMS administrator"


class TokenEndpointUnreachable(_Unreachable, ServiceTokenError):
    """Connection refused, DNS failure, timeout or a refused URL at the token endpoint."""


class ServiceUnreachable(_Unreachable):
    """Connection refused, DNS failure, timeout or a refused URL at a service endpoint."""


class TokenRequestRejected(ServiceTokenError):
    """The token endpoint answered with an OAuth2 error."""

    def __init__(self, message: str, *, status: int, error: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error

    @property
    def for_people(self) -> str:
        return (
            f"the LMS refused Leaderled a service token (HTTP {self.status}); ask your LMS "
            "administrator to check the tool's registration"
        )


class TokenResponseInvalid(ServiceTokenError):
    """The token endpoint answered 2xx with something that is not a bearer token."""


@dataclass(frozen=True, slots=True)
class ServiceAccess:
    """Everything needed to ask one platform for a token on behalf of one client id."""

    issuer: str
    client_id: str
    token_url: str
    key: SigningKey
    # Some platforms name a different audience for assertions (``authorization_server``).
    audience: str | None = None


@dataclass(frozen=True, slots=True)
class AccessToken:
    value: str
    scopes: frozenset[str]
    expires_at: float

    def __repr__(self) -> str:  # the token is a credential
        return f"AccessToken(scopes={sorted(self.scopes)!r}, expires_at={self.expires_at!r})"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


def client_assertion(access: ServiceAccess, *, now: float | None = None) -> str:
    """A short-lived, single-use JWT that proves we hold the client's key."""
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": access.client_id,
        "sub": access.client_id,
        "aud": access.audience or access.token_url,
        "iat": issued,
        "exp": issued + ASSERTION_LIFETIME,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(
        claims, access.key.private_key, algorithm="RS256", headers={"kid": access.key.kid}
    )


class ServiceTokenClient:
    """Fetches and caches access tokens; safe to share between threads."""

    def __init__(
        self,
        http: OutboundClient | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        margin: float = 30.0,
        max_entries: int = 256,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http if http is not None else OutboundClient()
        self._timeout = timeout
        self._margin = margin
        self._max_entries = max_entries
        self._clock = clock
        self._cache: OrderedDict[tuple[str, str, tuple[str, ...]], AccessToken] = OrderedDict()
        self._lock = threading.Lock()
        self.requests_made = 0

    def token(self, access: ServiceAccess, scopes: Iterable[str]) -> AccessToken:
        """A valid token for ``scopes``, from the cache when one is still fresh."""
        wanted = tuple(sorted(set(scopes)))
        if not wanted:
            raise ValueError("ask for at least one scope")
        key = (access.issuer, access.client_id, wanted)
        now = self._clock()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached.expires_at - self._margin > now:
                self._cache.move_to_end(key)
                return cached
        fresh = self._request(access, wanted, now)
        with self._lock:
            self._cache[key] = fresh
            self._cache.move_to_end(key)
            self._evict(now)
        return fresh

    def call(
        self,
        access: ServiceAccess,
        scopes: Iterable[str],
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        params: dict[str, str] | None = None,
        max_body: int = outbound.MAX_BODY,
    ) -> Answer:
        """One service request with a bearer token; on 401 retry once with a fresh token.

        Connection failures and refused URLs become :class:`ServiceUnreachable`;
        HTTP errors are left to the caller, which knows what they mean for its
        service.
        """
        wanted = tuple(scopes)
        sent = dict(headers or {})
        response: Answer | None = None
        for attempt in range(2):
            if attempt:
                self.forget(access)
            sent["Authorization"] = "Bearer " + self.token(access, wanted).value
            try:
                response = self._http.send(
                    method,
                    url,
                    headers=sent,
                    json_body=json_body,
                    params=params,
                    max_body=max_body,
                    timeout=self._timeout,
                )
            except requests.RequestException as exc:
                raise ServiceUnreachable(
                    f"could not reach {shown(url)}: {outbound.detail(exc)}",
                    shown_as=f"the LMS service {shown(url)} {_reason(exc)}",
                ) from exc
            if response.status != 401:
                return response
        assert response is not None
        return response

    def forget(self, access: ServiceAccess) -> None:
        """Drop cached tokens of one client (after a 401 from a service)."""
        with self._lock:
            for key in [k for k in self._cache if k[:2] == (access.issuer, access.client_id)]:
                del self._cache[key]

    def _evict(self, now: float) -> None:
        for key in [k for k, t in self._cache.items() if t.expires_at - self._margin <= now]:
            del self._cache[key]
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)

    def _request(self, access: ServiceAccess, scopes: tuple[str, ...], now: float) -> AccessToken:
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": client_assertion(access),
            "scope": " ".join(scopes),
        }
        self.requests_made += 1
        try:
            response = self._http.send(
                "POST",
                access.token_url,
                data=form,
                headers={"Accept": "application/json"},
                timeout=self._timeout,
            )
        except requests.RequestException as exc:
            raise TokenEndpointUnreachable(
                f"could not reach the token endpoint {shown(access.token_url)}: "
                f"{outbound.detail(exc)}",
                shown_as=f"the LMS's token endpoint {_reason(exc)}",
            ) from exc
        body = response.json()
        if response.status >= 400:
            error = body.get("error") if isinstance(body, dict) else None
            detail = body.get("error_description") if isinstance(body, dict) else None
            raise TokenRequestRejected(
                f"the token endpoint refused client {shown(access.client_id)}: "
                f"HTTP {response.status} {shown(error or '')} {shown(detail or '')}".strip(),
                status=response.status,
                error=error if isinstance(error, str) else None,
            )
        return _parse_token(body, scopes, now)


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, outbound.OutboundRefused):
        return "is on a network the tool does not call (see the tool's log)"
    return outbound.describe(exc).replace("it ", "", 1)


def _parse_token(body: Any, asked: tuple[str, ...], now: float) -> AccessToken:
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise TokenResponseInvalid("the token endpoint answered without an access_token")
    token_type = body.get("token_type", "bearer")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise TokenResponseInvalid(f"unsupported token_type {token_type!r} (expected bearer)")
    expires_in = body.get("expires_in", 3600)
    if isinstance(expires_in, str) and expires_in.isdigit():
        expires_in = int(expires_in)
    if not isinstance(expires_in, int | float) or isinstance(expires_in, bool) or expires_in <= 0:
        raise TokenResponseInvalid("the token endpoint sent an unusable expires_in")
    granted = body.get("scope")
    # RFC 6749 5.1: scope may be omitted when identical to the request.
    scopes = frozenset(granted.split()) if isinstance(granted, str) else frozenset(asked)
    return AccessToken(body["access_token"], scopes, now + float(expires_in))
