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

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session

from plugin.lti.claims import CUSTOM
from plugin.lti.errors import LtiError
from plugin.lti.validation import ValidatedLaunch
from plugin.models.lti import IdentityMode, LtiPlatform
from plugin.models.people import Membership, Person, PersonIdentifier, Role, Team
from plugin.services.identity import identifier_forms
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


# Built once: a launch only binds its values (no statement building per launch).
_PERSON_BY_KEYS = (
    select(PersonIdentifier.key, Person)
    .join(Person, Person.id == PersonIdentifier.person_id)
    .where(PersonIdentifier.key.in_(bindparam("keys", expanding=True)))
)
_TEAM_AND_MEMBERSHIP = (
    select(Team, Membership)
    .outerjoin(
        Membership,
        (Membership.team_id == Team.id) & (Membership.person_id == bindparam("person_id")),
    )
    .where(Team.platform_issuer == bindparam("issuer"), Team.context_id == bindparam("context_id"))
)


def resolve_person(session: Session, launch: ValidatedLaunch, actor: Identity) -> Person:
    """The one Person named by any of this launch's identifiers, created if new.

    Identifiers are stored as :mod:`plugin.services.identity` stores them (an
    email also in its ``mbox_sha1sum`` form, so an LRS that hides addresses
    still matches). One query reads the person and who owns each identifier;
    a returning person with unchanged details causes no write at all.
    """
    forms: dict[str, str] = {}
    for identity in (launch_account(launch.platform, launch.claims), actor):
        for form in identifier_forms(identity):
            forms.setdefault(form.key(), form.kind)
    rows = session.execute(_PERSON_BY_KEYS, {"keys": list(forms)}).all()
    owners = {key: found.id for key, found in rows}
    # Several people named: the oldest wins, as in plugin.services.identity.find_person.
    person = min((found for _, found in rows), key=lambda found: found.id, default=None)
    if person is None:
        person = Person()
        session.add(person)
    _set(person, "display_name", _display_name(launch.claims))
    _set(person, "email", _email(launch.claims))
    locale = launch.claims.get("locale")
    if isinstance(locale, str) and locale:
        _set(person, "locale", locale[:16])
    _set(person, "statement_key", actor.key())
    missing = [key for key in forms if key not in owners]
    if missing and not inspect(person).has_identity:
        session.flush()  # the new person's id, for its identifiers
    for key in missing:
        session.add(PersonIdentifier(person_id=person.id, kind=forms[key], key=key))
    for key, owner in owners.items():
        if owner != person.id:
            # Another person already owns this identifier: keep it there (an
            # admin merges people; a launch never moves identifiers).
            log.warning("launch identity not linked: %s already names person %s", key, owner)
    return person


def _set(row: object, name: str, value: object) -> None:
    """Assign only a value that is given and differs: an unchanged row is not written."""
    if value is not None and getattr(row, name) != value:
        setattr(row, name, value)


def resolve_membership(
    session: Session, launch: ValidatedLaunch, person: Person, role: Role
) -> Team | None:
    """The Team for the launch's context (course), with ``person``'s
    membership in it at ``role``; None without a context. One query reads
    both; nothing is written when neither changed."""
    context_id = launch.context.get("id")
    if not isinstance(context_id, str) or not context_id:
        return None
    issuer = launch.platform.issuer
    row = session.execute(
        _TEAM_AND_MEMBERSHIP, {"person_id": person.id, "issuer": issuer, "context_id": context_id}
    ).first()
    team, membership = (row[0], row[1]) if row is not None else (None, None)
    if team is None:
        team = Team(platform_issuer=issuer, context_id=context_id)
        session.add(team)
    title, label = launch.context.get("title"), launch.context.get("label")
    if isinstance(title, str) and title:
        _set(team, "title", title[:512])
    if isinstance(label, str) and label:
        _set(team, "label", label[:255])
    if membership is None:
        session.add(Membership(person=person, team=team, role=role))
    else:
        _set(membership, "role", role)
    return team
