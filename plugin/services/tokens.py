"""API tokens: created (shown once), found by their digest, revoked.

Personal tokens belong to a person and act as that person (a leader's own
scripts); service tokens are created by an L&D admin for an HR system or a
bot and act for the person or the teams they are limited to, or for the
whole organisation when limited to neither. Only service tokens may hold the
``admin`` scope.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from plugin.i18n import _
from plugin.models.api import ApiToken, Scope, TokenKind, api_token_team, scope_set
from plugin.models.people import Membership, Person, Role, Team
from plugin.services.errors import Checks, NotFound
from plugin.services.people import Actor
from plugin.services.token_access import Grant

PREFIX = "llt_"
HINT_LENGTH = 12
MAX_NAME = 120
MAX_DAYS = 366
DEFAULT_DAYS = 90
#: Last use is written at most this often, so a busy token does not turn
#: every API call into a write on one hot row.
LAST_USED_EVERY = timedelta(minutes=1)
PERSONAL_SCOPES = frozenset({Scope.RECORDS_WRITE, Scope.RECORDS_READ, Scope.REPORTS_READ})


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenInput:
    kind: TokenKind
    name: str
    scopes: tuple[str, ...]
    days: int | None = DEFAULT_DAYS
    person_id: int | None = None  # required for personal tokens
    team_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class NewToken:
    """A stored token and its secret, which is shown this once and never again."""

    token: ApiToken
    secret: str


def _check(session: Session, data: TokenInput) -> tuple[str, list[Scope], list[Team], int]:
    checks = Checks()
    name = " ".join(data.name.split())
    if not name:
        checks.fail("name", _("Enter a name that says what the token is for."))
    elif len(name) > MAX_NAME:
        checks.fail("name", _("The name must be %(max)d characters or fewer.", max=MAX_NAME))
    scopes = [Scope(s) for s in dict.fromkeys(data.scopes) if s in set(Scope)]
    allowed = PERSONAL_SCOPES if data.kind is TokenKind.PERSONAL else frozenset(Scope)
    if not data.scopes:
        checks.fail("scopes", _("Choose at least one scope."))
    elif len(scopes) != len(set(data.scopes)) or not set(scopes) <= allowed:
        checks.fail("scopes", _("Choose scopes from the list offered."))
    if data.days is None or not 1 <= data.days <= MAX_DAYS:
        checks.fail("days", _("Choose an expiry from 1 to %(max)d days.", max=MAX_DAYS))
    teams = list(session.scalars(select(Team).where(Team.id.in_(set(data.team_ids)))))
    if len(teams) != len(set(data.team_ids)):
        checks.fail("teams", _("Choose teams from the list offered."))
    person = session.get(Person, data.person_id) if data.person_id is not None else None
    if data.person_id is not None and person is None:
        checks.fail("person", _("There is no such person."))
    if data.kind is TokenKind.PERSONAL:
        if person is None:
            checks.fail("person", _("A personal token belongs to a person."))
        elif teams:
            own = set(
                session.scalars(select(Membership.team_id).where(Membership.person_id == person.id))
            )
            if not {t.id for t in teams} <= own:
                checks.fail("teams", _("Choose teams you belong to."))
    if Scope.ADMIN in scopes and (teams or person is not None):
        checks.fail("scopes", _("The admin scope is only for tokens of the whole organisation."))
    checks.raise_if_any()
    return name, scopes, teams, int(data.days or DEFAULT_DAYS)


def create(
    session: Session, data: TokenInput, *, created_by: int | None, now: datetime
) -> NewToken:
    """Store a new token (its digest only) in the caller's transaction."""
    name, scopes, teams, days = _check(session, data)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        kind=data.kind,
        name=name,
        token_hash=digest(secret),
        hint=secret[:HINT_LENGTH],
        scopes=" ".join(s.value for s in scopes),
        created_by_id=created_by,
        person_id=data.person_id,
        expires_at=now + timedelta(days=days),
        teams=teams,
    )
    session.add(token)
    session.flush()
    return NewToken(token, secret)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_live(token: ApiToken, now: datetime) -> bool:
    return token.revoked_at is None and _aware(token.expires_at) > now


@dataclass(frozen=True)
class Authenticated:
    grant: Grant
    #: Its last use was written: the caller commits it.
    wrote: bool


def authenticate(session: Session, raw: str, now: datetime) -> Authenticated | None:
    """The grant of the live token whose secret is ``raw`` (None when
    unknown, expired or revoked), read in one query without ORM objects
    (this runs on every API call). Its last use is written at most once a
    minute; the caller commits it.
    """
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.__table__.c
    rows = session.execute(
        select(
            token.id,
            token.kind,
            token.scopes,
            token.person_id,
            token.created_by_id,
            token.expires_at,
            token.revoked_at,
            token.last_used_at,
            api_token_team.c.team_id,
        )
        .outerjoin(api_token_team, api_token_team.c.token_id == token.id)
        .where(token.token_hash == digest(raw))
    ).all()
    if not rows:
        return None
    first = rows[0]
    if first.revoked_at is not None or _aware(first.expires_at) <= now:
        return None
    wrote = first.last_used_at is None or _aware(first.last_used_at) < now - LAST_USED_EVERY
    if wrote:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == first.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
    grant = Grant(
        token_id=first.id,
        kind=TokenKind(first.kind),
        scopes=scope_set(first.scopes),
        person_id=first.person_id,
        team_ids=frozenset(row.team_id for row in rows if row.team_id is not None),
        created_by=first.created_by_id,
    )
    return Authenticated(grant, wrote)


def personal_tokens(session: Session, person_id: int) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken)
        .where(ApiToken.kind == TokenKind.PERSONAL, ApiToken.person_id == person_id)
        .options(selectinload(ApiToken.teams))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def all_tokens(session: Session, kind: TokenKind | None = None) -> Sequence[ApiToken]:
    query = select(ApiToken).options(selectinload(ApiToken.teams), selectinload(ApiToken.person))
    if kind is not None:
        query = query.where(ApiToken.kind == kind)
    return session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def revoke(session: Session, token: ApiToken, now: datetime) -> ApiToken:
    """End a token now; revoking twice keeps the first moment."""
    if token.revoked_at is None:
        token.revoked_at = now
    return token


def own_personal_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    """A personal token of ``actor``; anyone else's is "not found"."""
    token = session.get(ApiToken, token_id)
    if token is None or token.kind is not TokenKind.PERSONAL or token.person_id != actor.person_id:
        raise NotFound(_("There is no such token of yours."))
    return token


def service_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    """A service token, for an L&D admin."""
    token = session.get(ApiToken, token_id)
    if actor.role is not Role.LND_ADMIN or token is None or token.kind is not TokenKind.SERVICE:
        raise NotFound(_("There is no such service token."))
    return token


def teams_of(
    session: Session, person_id: int, roles: Iterable[Role] = (Role.LEADER,)
) -> list[Team]:
    """Teams a person belongs to in one of ``roles`` (what a personal token may be limited to)."""
    return list(
        session.scalars(
            select(Team)
            .join(Membership, Membership.team_id == Team.id)
            .where(Membership.person_id == person_id, Membership.role.in_(list(roles)))
            .order_by(Team.title, Team.id)
        )
    )
