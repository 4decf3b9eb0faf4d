"""Who asks, whom they may name, and how statements name people.

Every service call carries an :class:`Actor` built from the launch (or, for
the API, from a token), never from form input. A leader may record only for
a team they lead and only name people of that team; the roster from the LMS
(NRPS) keeps a team's members current.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.people import Membership, Person, PersonIdentifier, Role, Team
from plugin.services.errors import NotAllowed
from plugin.services.privacy.subjects import known_owner
from statements.identity import Identity

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """The person behind a request, their role in it, and the team it came from."""

    person_id: int
    role: Role
    team_id: int | None = None


def identity_from_key(key: str, display: str | None = None) -> Identity | None:
    """The :class:`Identity` whose ``key()`` is ``key`` (None for a malformed key)."""
    kind, _sep, rest = key.partition(" ")
    if kind == "account":
        home, _sep, name = rest.partition(" ")
        return Identity.account(home, name, display=display) if home and name else None
    if kind == "mbox" and rest.startswith("mailto:"):
        return Identity.mbox(rest, display=display)
    if kind == "mbox_sha1sum" and rest:
        return Identity("mbox_sha1sum", rest, name=display)
    if kind == "openid" and rest:
        return Identity("openid", rest, name=display)
    return None


def statement_identity(session: Session, person: Person) -> Identity:
    """How our statements name ``person``: the identifier their platform uses
    (set at launch or from the roster), else their first account identifier."""
    if person.statement_key:
        identity = identity_from_key(person.statement_key, person.display_name)
        if identity is not None:
            known_owner(session, person.statement_key, person.id)
            return identity  # the usual case: no query
    accounts = session.scalars(
        select(PersonIdentifier.key)
        .where(PersonIdentifier.person_id == person.id, PersonIdentifier.kind == "account")
        .order_by(PersonIdentifier.id)
    )
    for key in accounts:
        identity = identity_from_key(key, person.display_name)
        if identity is not None:
            known_owner(session, key, person.id)
            return identity
    raise NotAllowed(
        _(
            "%(name)s has no LMS account known to Leaderled yet, so statements cannot name "
            "them. They appear once they open Leaderled from the course, or once the course "
            "roster is available.",
            name=person.display_name or _("This person"),
        )
    )


def role_in(session: Session, person_id: int, team_id: int) -> Role | None:
    return session.scalar(
        select(Membership.role).where(
            Membership.person_id == person_id, Membership.team_id == team_id
        )
    )


def require_leader_of(session: Session, actor: Actor, team_id: int | None) -> int:
    """The team id, if ``actor`` leads it; NotAllowed otherwise."""
    if actor.role is not Role.LEADER or team_id is None:
        raise NotAllowed(_("Only a leader of this course can do this."))
    if role_in(session, actor.person_id, team_id) is not Role.LEADER:
        raise NotAllowed(_("You are not a leader of this course."))
    return team_id


def teams_led_by(session: Session, person_id: int) -> list[Team]:
    return list(
        session.scalars(
            select(Team)
            .join(Membership, Membership.team_id == Team.id)
            .where(Membership.person_id == person_id, Membership.role == Role.LEADER)
            .order_by(Team.title, Team.id)
        )
    )


def team_members(
    session: Session, team_id: int, *, exclude: Iterable[int] = ()
) -> list[tuple[Person, Role]]:
    """The people of a team, by name, with their role in it."""
    skip = set(exclude)
    rows = session.execute(
        select(Person, Membership.role)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.team_id == team_id)
        .order_by(Person.display_name, Person.id)
    ).all()
    return [(person, role) for person, role in rows if person.id not in skip]


def leader_and_members(
    session: Session, actor: Actor, team_id: int | None, person_ids: Iterable[int]
) -> tuple[Person, dict[int, Person]]:
    """:func:`require_leader_of` and :func:`members_among` in one query:
    NotAllowed unless ``actor`` leads the team, else the leader's own
    :class:`Person` and those of ``person_ids`` who belong to it."""
    if actor.role is not Role.LEADER or team_id is None:
        raise NotAllowed(_("Only a leader of this course can do this."))
    wanted = set(person_ids)
    rows = session.execute(
        select(Person, Membership.role)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.team_id == team_id, Person.id.in_(wanted | {actor.person_id}))
    ).all()
    leader = next((p for p, role in rows if p.id == actor.person_id and role is Role.LEADER), None)
    if leader is None:
        raise NotAllowed(_("You are not a leader of this course."))
    return leader, {person.id: person for person, _role in rows if person.id in wanted}


def members_among(session: Session, team_id: int, person_ids: Iterable[int]) -> dict[int, Person]:
    """Those of ``person_ids`` who belong to the team (one query)."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    rows = session.scalars(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.team_id == team_id, Person.id.in_(wanted))
    )
    return {person.id: person for person in rows}


@dataclass(frozen=True)
class RosterEntry:
    """One course member as the LMS lists them (from NRPS), ready to store."""

    account: Identity  # account {homePage: issuer, name: LMS user id}
    statement: Identity  # what our statements call them (platform setting)
    role: Role
    name: str | None = None
    email: str | None = None


def _digest(entries: Sequence[RosterEntry]) -> str:
    text = "\n".join(
        sorted(
            f"{e.account.key()}\t{e.statement.key()}\t{e.role.value}\t{e.name}\t{e.email}"
            for e in entries
        )
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _forms(identity: Identity) -> list[Identity]:
    return [identity, identity.sha1()] if identity.kind == "mbox" else [identity]


def store_roster(session: Session, team: Team, entries: Sequence[RosterEntry]) -> bool:
    """Make the team's people and memberships match the roster; False when
    the roster is the one stored last time (nothing is written then).

    Done in a few set-based queries, so a course of hundreds costs the same
    handful of round trips as a course of ten. People who left the course
    lose their membership; their records stay.
    """
    digest = _digest(entries)
    if team.roster_digest == digest:
        return False
    keys = {form.key() for e in entries for i in (e.account, e.statement) for form in _forms(i)}
    found = session.execute(
        select(PersonIdentifier.key, PersonIdentifier.person_id).where(
            PersonIdentifier.key.in_(keys)
        )
    ).tuples()
    owners: dict[str, int] = dict(found.all())
    people = {
        p.id: p for p in session.scalars(select(Person).where(Person.id.in_(set(owners.values()))))
    }
    current: dict[int, Membership] = {
        m.person_id: m
        for m in session.scalars(select(Membership).where(Membership.team_id == team.id))
    }
    seen: set[int] = set()
    for entry in entries:
        forms = _forms(entry.account) + _forms(entry.statement)
        owner_id = next((owners[f.key()] for f in forms if f.key() in owners), None)
        person = people.get(owner_id) if owner_id is not None else None
        if person is None:
            person = Person(display_name=entry.name)
            session.add(person)
            session.flush()
            people[person.id] = person
        if entry.name:
            person.display_name = entry.name
        if entry.email:
            person.email = entry.email
        person.statement_key = entry.statement.key()
        for form in forms:
            key = form.key()
            if key not in owners:
                session.add(PersonIdentifier(person_id=person.id, kind=form.kind, key=key))
                owners[key] = person.id
            elif owners[key] != person.id:
                log.warning("roster identifier %s already names person %s", key, owners[key])
        membership = current.get(person.id)
        if membership is None:
            membership = Membership(person_id=person.id, team_id=team.id, role=entry.role)
            session.add(membership)
            current[person.id] = membership
        elif membership.role is not entry.role:
            membership.role = entry.role
        seen.add(person.id)
    for person_id, membership in current.items():
        if person_id not in seen:
            session.delete(membership)
    team.roster_digest = digest
    session.flush()
    return True
