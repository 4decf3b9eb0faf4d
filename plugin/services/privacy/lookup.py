"""Finding the person a request is about: by LMS id, email address or
Leaderled's own id, as people asking for their data name themselves."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.people import Person, PersonIdentifier
from plugin.models.privacy import StatementSubject
from plugin.services.errors import Invalid, NotFound
from plugin.services.privacy.registry import Subject
from statements.identity import Identity

#: ``id:12`` (or ``#12``) is Leaderled's own id; a bare value is an LMS user id.
ID_PREFIXES = ("id:", "#")
MAX_QUERY = 320
MAX_MATCHES = 50


def _own_id(text: str) -> int | None:
    for prefix in ID_PREFIXES:
        if text.lower().startswith(prefix):
            rest = text[len(prefix) :].strip()
            return int(rest) if rest.isdigit() else -1
    return None


def _email_keys(text: str) -> list[str]:
    mbox = Identity.mbox(text)
    return [mbox.key(), mbox.sha1().key()]


def find_people(session: Session, text: str, *, platform: str | None = None) -> list[Person]:
    """Everyone ``text`` names exactly: ``id:12``, an email address, or an LMS
    user id (on ``platform``, the LMS's issuer URL, when given)."""
    wanted = (text or "").strip()
    if not wanted or len(wanted) > MAX_QUERY:
        raise Invalid(
            {"person": _("Enter an LMS user id, an email address or a Leaderled id such as id:12.")}
        )
    own = _own_id(wanted)
    if own is not None:
        if own < 0:
            raise Invalid({"person": _("A Leaderled id is a whole number, such as id:12.")})
        found = session.get(Person, own)
        return [found] if found is not None else []
    if "@" in wanted:
        query = select(Person).where(
            or_(
                func.lower(Person.email) == wanted.lower(),
                Person.id.in_(
                    select(PersonIdentifier.person_id).where(
                        PersonIdentifier.key.in_(_email_keys(wanted))
                    )
                ),
            )
        )
    else:
        accounts = select(PersonIdentifier.person_id).where(PersonIdentifier.kind == "account")
        if platform:
            accounts = accounts.where(
                PersonIdentifier.key == Identity.account(platform.rstrip("/"), wanted).key()
            )
        else:
            accounts = accounts.where(PersonIdentifier.key.endswith(" " + wanted, autoescape=True))
        query = select(Person).where(Person.id.in_(accounts))
    return list(session.scalars(query.order_by(Person.id).limit(MAX_MATCHES)))


def one_person(session: Session, text: str, *, platform: str | None = None) -> Person:
    """The one person ``text`` names; NotFound or Invalid (with the candidates) otherwise."""
    found = find_people(session, text, platform=platform)
    if not found:
        raise NotFound(_("Nobody with that LMS id, email address or Leaderled id is known here."))
    if len(found) > 1:
        ids = ", ".join(f"id:{p.id}" for p in found)
        raise Invalid(
            {
                "person": _(
                    "That names %(count)d people (%(ids)s). Use their Leaderled id, or name "
                    "the LMS with its issuer URL.",
                    count=len(found),
                    ids=ids,
                )
            }
        )
    return found[0]


def search_people(session: Session, text: str) -> Sequence[Person]:
    """People named exactly by ``text``, else whose name contains it (admin search)."""
    exact = find_people(session, text)
    if exact:
        return exact
    pattern = text.strip()
    return session.scalars(
        select(Person)
        .where(Person.display_name.icontains(pattern, autoescape=True))
        .order_by(Person.display_name, Person.id)
        .limit(MAX_MATCHES)
    ).all()


def identifier_keys(session: Session, person: Person) -> frozenset[str]:
    """Every identifier key that names ``person`` (an email also by its sha1)."""
    keys = set(
        session.scalars(select(PersonIdentifier.key).where(PersonIdentifier.person_id == person.id))
    )
    if person.statement_key:
        keys.add(person.statement_key)
    if person.email and "@" in person.email:
        keys.update(_email_keys(person.email))
    for key in list(keys):
        if key.startswith("mbox mailto:"):
            keys.add(Identity.mbox(key.removeprefix("mbox ")).sha1().key())
    return frozenset(keys)


def subject_of(session: Session, person: Person) -> Subject:
    """``person`` as the privacy registry's relations need them."""
    statements = session.scalars(
        select(StatementSubject.statement_id).where(StatementSubject.person_id == person.id)
    )
    return Subject(
        person_id=person.id,
        keys=identifier_keys(session, person),
        statement_ids=frozenset(statements),
    )
