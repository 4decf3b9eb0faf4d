"""What a validated launch creates: person, team, membership, a session
and the record of its used nonce.

Kept apart from validation so that a failed check can never have stored any
of these: the caller only gets here once :func:`validate_launch` returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from plugin.lti import claims as c
from plugin.lti import identity, nonces, registrations, roles
from plugin.lti import session as launch_session
from plugin.lti.claims import ROLES
from plugin.lti.settings import LtiSettings
from plugin.lti.validation import ValidatedLaunch, nonce_expiry
from plugin.models.lti import LtiLaunchSession
from plugin.models.people import Person, Role, Team


@dataclass(frozen=True)
class CompletedLaunch:
    launch: ValidatedLaunch
    person: Person
    team: Team | None
    role: Role
    session: LtiLaunchSession
    token: str


def role_of(session: Session, launch: ValidatedLaunch) -> Role:
    context_id = launch.context.get("id")
    context = context_id if isinstance(context_id, str) else None
    if launch.role_overrides is not None:  # read with the registration
        per_context, per_platform = registrations.split_overrides(launch.role_overrides, context)
    else:
        per_context, per_platform = roles.overrides_for(session, launch.platform.id, context)
    claimed = launch.claims.get(ROLES)
    return roles.map_roles(
        claimed if isinstance(claimed, list) else [],
        context_overrides=per_context,
        platform_overrides=per_platform,
    )


def complete_launch(
    session: Session,
    launch: ValidatedLaunch,
    *,
    settings: LtiSettings,
    now: int,
    frame_origin: str | None = None,
) -> CompletedLaunch:
    """Store what a validated launch creates. ``frame_origin`` is the origin
    of the LMS page that posted the launch: the only one allowed to frame this
    session's pages (Content-Security-Policy ``frame-ancestors``)."""
    actor = identity.actor_identity(launch)
    role = role_of(session, launch)
    person = identity.resolve_person(session, launch, actor)
    team = identity.resolve_membership(session, launch, person, role)
    if not inspect(person).has_identity or (team is not None and not inspect(team).has_identity):
        session.flush()  # a first launch: the new rows' ids
    row = LtiLaunchSession(
        # By id: the deployment may be a cached copy that belongs to no session.
        deployment_pk=launch.deployment.id,
        person_id=person.id,
        team_id=team.id if team is not None else None,
        role=role,
        message_type=launch.message_type,
        claims=stored_claims(launch.claims),
        frame_origin=frame_origin,
    )
    created = launch_session.create_session(session, row, now=now, settings=settings)
    nonces.record_nonce(
        session,
        issuer=launch.platform.issuer,
        nonce=launch.claims["nonce"],
        until=nonce_expiry(launch.claims, settings),
        now=now,
        cap=settings.max_used_nonces,
    )
    session.flush()
    return CompletedLaunch(
        launch=launch,
        person=person,
        team=team,
        role=role,
        session=row,
        token=created.token,
    )


def stored_claims(claims: dict[str, Any]) -> dict[str, Any]:
    """The claims later pages and services read; names, emails and whatever
    else a platform sends stay out of the session row (the person row holds
    what the tool keeps of them)."""
    return {name: value for name, value in claims.items() if name in c.STORED_CLAIMS}
