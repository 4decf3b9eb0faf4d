"""Role checks the services of tips 3 to 5 share: L&D manages the
organisation's catalogue, library, pairings and expectations; leaders use
them. The launch's role is checked again here so the API and CLI get the
same refusal as the pages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.people import Membership, Person, Role
from plugin.services.errors import NotAllowed
from plugin.services.people import Actor


def require_lnd_admin(actor: Actor) -> None:
    if actor.role is not Role.LND_ADMIN:
        raise NotAllowed(_("Only L&D can change this."))


def require_leader(actor: Actor) -> None:
    if actor.role is not Role.LEADER:
        raise NotAllowed(_("Only a leader can do this."))


def people_with_role(session: Session, role: Role) -> Sequence[Person]:
    """Everyone with ``role`` in at least one team, by name (the organisation's leaders, say)."""
    return session.scalars(
        select(Person)
        .where(Person.id.in_(select(Membership.person_id).where(Membership.role == role)))
        .order_by(Person.display_name, Person.id)
    ).all()


def has_role(session: Session, person_id: int, role: Role) -> bool:
    return (
        session.scalar(
            select(Membership.id)
            .where(Membership.person_id == person_id, Membership.role == role)
            .limit(1)
        )
        is not None
    )


def name_of(person: Person | None) -> str:
    if person is None:
        return _("someone")
    return person.display_name or person.email or f"#{person.id}"
