"""What statements disclose, per platform: names, email addresses (the
platform's identity mode) and note text. Each is off by default (DESIGN
section 9); an L&D admin may opt in on the privacy page."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.lti import IdentityMode, LtiPlatform
from plugin.models.people import Role
from plugin.services.errors import Checks, NotAllowed, NotFound
from plugin.services.people import Actor


def platforms(session: Session) -> Sequence[LtiPlatform]:
    return session.scalars(select(LtiPlatform).order_by(LtiPlatform.name, LtiPlatform.id)).all()


def platform(session: Session, platform_id: int) -> LtiPlatform:
    found = session.get(LtiPlatform, platform_id)
    if found is None:
        raise NotFound(_("There is no such LMS."))
    return found


def set_disclosure(
    session: Session,
    actor: Actor,
    platform_id: int,
    *,
    names: bool,
    identity: str | None,
    notes: bool,
) -> LtiPlatform:
    """Store what statements about this platform's people may carry."""
    if actor.role is not Role.LND_ADMIN:
        raise NotAllowed(_("Only an L&D admin can change what statements disclose."))
    row = platform(session, platform_id)
    checks = Checks()
    modes = {m.value: m for m in IdentityMode}
    if identity not in modes:
        checks.fail("identity", _("Choose how statements name people."))
    checks.raise_if_any()
    row.names_in_statements = names
    row.notes_in_statements = notes
    row.identity_mode = modes[str(identity)]
    session.flush()
    return row
