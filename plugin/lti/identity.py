"""Who launched: the xAPI actor per platform (DESIGN.md section 3) and the
local Person, Team (LTI context) and Membership rows it resolves to.

The default actor is ``account {homePage: iss, name: sub}``, the way Moodle's
xAPI log store names users, so formal and leader-led records line up. A
platform may switch to ``mbox`` (email claim) or username (a custom parameter
such as Moodle's ``$User.username``). The iss+sub account is always stored as
an identifier too, so a person stays one person if the mode changes later.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.lti.claims import CUSTOM
from plugin.lti.errors import LtiError
from plugin.lti.validation import ValidatedLaunch
from plugin.models.lti import IdentityMode, LtiPlatform
from plugin.models.people import Membership, Person, Role, Team
from plugin.services.identity import IdentityConflict, find_person, link
from statements.identity import Identity

log = logging.getLogger(__name__)


MAX_NAME = 255
MAX_EMAIL = 320


def _display_name(claims: dict[str, object]) -> str | None:
    """The name to show, cut to its column (a name is for display only)."""
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:MAX_NAME]
    parts = [claims.get("given_name"), claims.get("family_name")]
    joined = " ".join(p for p in parts if isinstance(p, str) and p).strip()
    return joined[:MAX_NAME] or None


def _email(claims: dict[str, object]) -> str | None:
    """The email claim when it can be an address (RFC 5321: at most 320)."""
    email = claims.get("email")
    if isinstance(email, str) and "@" in email and len(email) <= MAX_EMAIL:
        return email
    return None


def launch_account(platform: LtiPlatform, claims: dict[str, object]) -> Identity:
    return Identity.account(platform.issuer, str(claims["sub"]), display=_display_name(claims))


def actor_identity(launch: ValidatedLaunch) -> Identity:
    """The identity statements about this user carry, per the platform setting."""
    return identity_for(launch.platform, launch.claims)


def statement_actor(platform: LtiPlatform, claims: dict[str, Any]) -> dict[str, Any]:
    """The xAPI Agent for a launch's user, with a name only where the platform
    opted in (names are optional in statements, DESIGN.md section 9).
    ``claims`` may be a stored :attr:`LtiLaunchSession.claims`."""
    return identity_for(platform, claims).to_actor(with_name=platform.names_in_statements)


def identity_for(platform: LtiPlatform, claims: dict[str, Any]) -> Identity:
    display = _display_name(claims)
    if platform.identity_mode == IdentityMode.MBOX:
        email = _email(claims)
        if email is None:
            raise LtiError(
                f"Platform '{platform.issuer}' is set to identify people by email, but the "
                "launch has no usable email claim. Let the platform share email addresses with the "
                "tool, or switch the platform to account identity."
            )
        return Identity.mbox(email, display=display)
    if platform.identity_mode == IdentityMode.USERNAME:
        custom = claims.get(CUSTOM)
        username = custom.get(platform.username_parameter) if isinstance(custom, dict) else None
        if (
            not isinstance(username, str)
            or not username
            or username.startswith("$")
            or len(username) > MAX_NAME
        ):
            raise LtiError(
                f"Platform '{platform.issuer}' is set to identify people by username, but the "
                f"launch has no custom parameter '{platform.username_parameter}' (in Moodle: "
                f"{platform.username_parameter}=$User.username in the tool's custom parameters)."
            )
        return Identity.account(platform.issuer, username, display=display)
    return launch_account(platform, claims)


def resolve_person(session: Session, launch: ValidatedLaunch, actor: Identity) -> Person:
    """The one Person named by any of this launch's identifiers, created if new.

    Identifiers are linked through :mod:`plugin.services.identity`, the same
    path pulled formal records take, so an email is also stored in its
    ``mbox_sha1sum`` form and an LRS that hides addresses still matches.
    """
    identities = [launch_account(launch.platform, launch.claims), actor]
    person = find_person(session, identities)
    if person is None:
        person = Person()
        session.add(person)
    display = _display_name(launch.claims)
    if display:
        person.display_name = display
    email = _email(launch.claims)
    if email is not None:
        person.email = email
    locale = launch.claims.get("locale")
    if isinstance(locale, str) and locale:
        person.locale = locale[:16]
    person.statement_key = actor.key()
    session.flush()
    for identity in identities:
        try:
            link(session, person, identity)
        except IdentityConflict as conflict:
            # Another person already owns this identifier: keep it there (an
            # admin merges people; a launch never moves identifiers).
            log.warning("launch identity not linked: %s", conflict)
    return person


def resolve_team(session: Session, launch: ValidatedLaunch) -> Team | None:
    """The Team for the launch's context (course); None without a context."""
    context_id = launch.context.get("id")
    if not isinstance(context_id, str) or not context_id:
        return None
    issuer = launch.platform.issuer
    team = session.scalar(
        select(Team).where(Team.platform_issuer == issuer, Team.context_id == context_id)
    )
    if team is None:
        team = Team(platform_issuer=issuer, context_id=context_id)
        session.add(team)
    title, label = launch.context.get("title"), launch.context.get("label")
    if isinstance(title, str) and title:
        team.title = title[:512]
    if isinstance(label, str) and label:
        team.label = label[:255]
    return team


def upsert_membership(session: Session, person: Person, team: Team, role: Role) -> Membership:
    membership = None
    if person.id is not None and team.id is not None:
        membership = session.scalar(
            select(Membership).where(
                Membership.person_id == person.id, Membership.team_id == team.id
            )
        )
    if membership is None:
        membership = Membership(person=person, team=team, role=role)
        session.add(membership)
    else:
        membership.role = role
    return membership
