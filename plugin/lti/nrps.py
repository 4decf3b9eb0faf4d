"""Names and Role Provisioning Services: the course roster from the LMS.

Leaders pick attendees and mentees from the roster instead of typing names.
The roster is paged (``Link: <...>; rel="next"``) and cached for a short
TTL in a bounded cache, so opening the same page twice does not walk every
page of a large course again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from plugin.lti.errors import shown
from plugin.lti.roles import map_roles
from plugin.lti.service_token import (
    LtiServiceError,
    ServiceAccess,
    ServiceTokenClient,
    TokenRequestRejected,
)
from plugin.models.people import Role
from statements.identity import Identity

SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
CLAIM_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
# One roster page: a few thousand members at most.
MAX_PAGE = 4 * 1024 * 1024

RoleMapper = Callable[[Iterable[str]], Role]
IdentityMapper = Callable[[str, dict[str, Any]], Identity]


class RosterUnavailable(LtiServiceError):
    """The platform would not or could not give us the roster."""


@dataclass(frozen=True, slots=True)
class Member:
    """One person in the course, as the LMS lists them."""

    user_id: str
    lti_roles: tuple[str, ...]
    role: Role
    identity: Identity
    status: str = "Active"
    name: str | None = None
    email: str | None = None

    @property
    def display(self) -> str:
        return self.name or self.email or self.user_id


@dataclass(frozen=True, slots=True)
class Roster:
    context_id: str | None
    context_title: str | None
    members: tuple[Member, ...]
    fetched_at: float

    def active(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.status == "Active")


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", "", None


def _same_origin(first: str, link: str) -> str:
    """The next page's URL, if it is on the site of the first memberships URL.
    The roster request carries the platform's access token: a ``Link: next``
    to another host would hand it (and the tool's requests) to that host."""
    if _origin(link) != _origin(first) or not _origin(first)[1]:
        raise RosterUnavailable(
            f"the roster's next page {shown(link)} is not on the platform's site; not following it"
        )
    return link


def memberships_url(claims: dict[str, Any]) -> str | None:
    """The roster URL a launch offers, or None when the platform offers no NRPS."""
    claim = claims.get(CLAIM_NRPS)
    if not isinstance(claim, dict):
        return None
    url = claim.get("context_memberships_url")
    return url if isinstance(url, str) and url else None


def default_role(lti_roles: Iterable[str]) -> Role:
    """The launch mapping without tool-side overrides (pass your own for those)."""
    return map_roles(lti_roles)


def account_identity(issuer: str) -> IdentityMapper:
    """DESIGN.md section 3: ``account {homePage: iss, name: sub}`` by default."""

    def identify(user_id: str, member: dict[str, Any]) -> Identity:
        name = member.get("name") if isinstance(member.get("name"), str) else None
        return Identity.account(issuer, user_id, display=name)

    return identify


def mbox_identity(issuer: str) -> IdentityMapper:
    """``mbox`` from the email, falling back to the account when a member has none."""
    fallback = account_identity(issuer)

    def identify(user_id: str, member: dict[str, Any]) -> Identity:
        email = member.get("email")
        name = member.get("name") if isinstance(member.get("name"), str) else None
        if isinstance(email, str) and "@" in email:
            return Identity.mbox(email, display=name)
        return fallback(user_id, member)

    return identify


class NrpsClient:
    """Fetches rosters with a bounded TTL cache; safe to share between threads."""

    def __init__(
        self,
        tokens: ServiceTokenClient,
        *,
        ttl: float = 300.0,
        max_entries: int = 128,
        max_pages: int = 200,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._tokens = tokens
        self._ttl = ttl
        self._max_entries = max_entries
        self._max_pages = max_pages
        self._clock = clock
        self._cache: OrderedDict[tuple[str, str, str], Roster] = OrderedDict()
        self._lock = threading.Lock()
        self.pages_fetched = 0

    def roster(
        self,
        access: ServiceAccess,
        url: str,
        *,
        identify: IdentityMapper | None = None,
        map_role: RoleMapper = default_role,
    ) -> Roster:
        key = (access.issuer, access.client_id, url)
        now = self._clock()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached.fetched_at + self._ttl > now:
                self._cache.move_to_end(key)
                return cached
        roster = self._fetch(access, url, identify or account_identity(access.issuer), map_role)
        with self._lock:
            self._cache[key] = roster
            self._cache.move_to_end(key)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return roster

    def invalidate(self, access: ServiceAccess, url: str) -> None:
        with self._lock:
            self._cache.pop((access.issuer, access.client_id, url), None)

    def _fetch(
        self, access: ServiceAccess, url: str, identify: IdentityMapper, map_role: RoleMapper
    ) -> Roster:
        members: list[Member] = []
        context: dict[str, Any] = {}
        next_url: str | None = url
        seen: set[str] = set()
        while next_url:
            if next_url in seen or len(seen) >= self._max_pages:
                raise RosterUnavailable(
                    f"the roster at {shown(url)} did not end after {len(seen)} pages; giving up"
                )
            seen.add(next_url)
            try:
                response = self._tokens.call(
                    access,
                    [SCOPE_MEMBERSHIPS],
                    "GET",
                    next_url,
                    headers={"Accept": MEMBERSHIP_TYPE},
                    max_body=MAX_PAGE,
                )
            except TokenRequestRejected as exc:
                if exc.error != "invalid_scope":
                    raise
                raise RosterUnavailable(
                    "the platform does not grant this tool the roster (Names and Role) scope"
                ) from exc
            self.pages_fetched += 1
            if response.status in (401, 403):
                raise RosterUnavailable(
                    f"the platform refused the roster (HTTP {response.status}); "
                    "is the Names and Role service enabled for this tool?"
                )
            if response.status >= 400:
                raise RosterUnavailable(f"the roster request failed: HTTP {response.status}")
            body = response.json()
            if body is None:
                raise RosterUnavailable("the roster response was not JSON")
            if not isinstance(body, dict) or not isinstance(body.get("members"), list):
                raise RosterUnavailable("the roster response has no members list")
            if isinstance(body.get("context"), dict):
                context = body["context"]
            members.extend(_members(body["members"], identify, map_role))
            link = response.links.get("next", {}).get("url")
            next_url = _same_origin(url, urljoin(next_url, link)) if link else None
        return Roster(
            context_id=_text(context.get("id")),
            context_title=_text(context.get("title")),
            members=tuple(members),
            fetched_at=self._clock(),
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _members(raw: list[Any], identify: IdentityMapper, map_role: RoleMapper) -> list[Member]:
    out: list[Member] = []
    for item in raw:
        if not isinstance(item, dict) or not _text(item.get("user_id")):
            continue  # a member we cannot name is of no use to a leader
        roles = tuple(r for r in item.get("roles", []) if isinstance(r, str))
        user_id = str(item["user_id"])
        out.append(
            Member(
                user_id=user_id,
                lti_roles=roles,
                role=map_role(roles),
                identity=identify(user_id, item),
                status=_text(item.get("status")) or "Active",
                name=_text(item.get("name")),
                email=_text(item.get("email")),
            )
        )
    return out
