"""Identity resolution: several xAPI identifiers, one local person.

Formal records name people the way the LMS's log store does (an account on
the Moodle site, or an email); our own statements use whatever the platform
is set to (DESIGN.md section 3). Every identifier a person carries is a
:class:`PersonIdentifier` row keyed by :meth:`Identity.key`; an email is also
stored in its ``mbox_sha1sum`` form, so LRSs that hide addresses still match.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.people import Person, PersonIdentifier
from statements.identity import Identity


class IdentityConflict(ValueError):
    """An identifier already belongs to another person."""


def _forms(identity: Identity) -> list[Identity]:
    return [identity, identity.sha1()] if identity.kind == "mbox" else [identity]


def identifier_forms(identity: Identity) -> list[Identity]:
    """The identifiers stored for ``identity``: itself, and an email's sha1 form."""
    return _forms(identity)


def link(session: Session, person: Person, identity: Identity) -> None:
    """Record that ``identity`` names ``person`` (idempotent; refuses to move it)."""
    for form in _forms(identity):
        key = form.key()
        owner = session.scalar(select(PersonIdentifier).where(PersonIdentifier.key == key))
        if owner is None:
            session.add(PersonIdentifier(person=person, kind=form.kind, key=key))
        elif owner.person_id != person.id:
            raise IdentityConflict(f"{key} already names person {owner.person_id}")
    session.flush()


def find_person(session: Session, identities: Iterable[Identity]) -> Person | None:
    """The person any of ``identities`` names, or None."""
    keys = [form.key() for identity in identities for form in _forms(identity)]
    if not keys:
        return None
    return session.scalar(
        select(Person)
        .join(PersonIdentifier, PersonIdentifier.person_id == Person.id)
        .where(PersonIdentifier.key.in_(keys))
        .order_by(Person.id)
        .limit(1)
    )


def person_for(
    session: Session, identities: Iterable[Identity], *, display_name: str | None = None
) -> Person:
    """The person these identifiers name, created if new; every identifier gets linked."""
    wanted = list(identities)
    if not wanted:
        raise ValueError("a person needs at least one identifier")
    person = find_person(session, wanted)
    if person is None:
        person = Person(display_name=display_name)
        session.add(person)
        session.flush()
    for identity in wanted:
        link(session, person, identity)
    return person


class Resolver:
    """Batch lookups of actor keys to person ids, cached for one sync run.

    One ``IN`` query per page of statements instead of one per statement;
    misses are cached too, so a page full of strangers costs one query.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._cache: dict[str, int | None] = {}

    def resolve(self, identities: Iterable[Identity | None]) -> dict[str, int | None]:
        """Map each identity's key to a person id (None when nobody local)."""
        wanted = {i.key(): i for i in identities if i is not None}
        missing = [key for key in wanted if key not in self._cache]
        if missing:
            # The stored key that answers each wanted key (an email also by its sha1).
            lookup: dict[str, set[str]] = {}
            for key in missing:
                lookup.setdefault(key, set()).add(key)
                identity = wanted[key]
                if identity.kind == "mbox":
                    lookup.setdefault(identity.sha1().key(), set()).add(key)
            rows = self._session.execute(
                select(PersonIdentifier.key, PersonIdentifier.person_id).where(
                    PersonIdentifier.key.in_(list(lookup))
                )
            )
            for key in missing:
                self._cache[key] = None
            for found_key, person_id in rows:
                for key in lookup[found_key]:
                    self._cache[key] = person_id
        return {key: self._cache[key] for key in wanted}
