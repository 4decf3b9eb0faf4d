"""The course roster for a launch session: NRPS with the platform's settings.

The platform's role overrides and identity mode apply to roster members
exactly as they do to launches, so a member picked as an attendee is the
same person (and actor) as when they launch themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from plugin.lti import roles
from plugin.lti.claims import CONTEXT
from plugin.lti.identity import launch_account
from plugin.lti.nrps import (
    Roster,
    RosterUnavailable,
    mbox_identity,
    memberships_url,
)
from plugin.lti.service_clients import clients, launch_platform, service_access
from plugin.lti.service_token import LtiServiceError
from plugin.models.lti import IdentityMode, LtiLaunchSession
from plugin.models.people import Role
from statements.identity import Identity


def roster_for(session: Session, launch: LtiLaunchSession) -> Roster:
    """The roster of the launch's course; raises :class:`LtiServiceError` with a reason."""
    url = memberships_url(launch.claims)
    if url is None:
        raise RosterUnavailable(
            "The LMS did not offer the course roster with this launch (Names and Role "
            "Provisioning Services is off for this tool)."
        )
    platform, client_id = launch_platform(session, launch)
    context = launch.claims.get(CONTEXT)
    context_id = context.get("id") if isinstance(context, dict) else None
    per_context, per_platform = roles.overrides_for(
        session, platform.id, context_id if isinstance(context_id, str) else None
    )

    def map_role(lti_roles: Iterable[str]) -> Role:
        return roles.map_roles(
            lti_roles, context_overrides=per_context, platform_overrides=per_platform
        )

    def account(user_id: str, member: dict[str, Any]) -> Identity:
        # A member entry has the claim names of a launch (name, given_name, email).
        return launch_account(platform, {**member, "sub": user_id})

    identify = (
        mbox_identity(platform.issuer) if platform.identity_mode == IdentityMode.MBOX else account
    )
    return clients().nrps.roster(
        service_access(platform, client_id), url, identify=identify, map_role=map_role
    )


def roster_or_reason(session: Session, launch: LtiLaunchSession) -> tuple[Roster | None, str]:
    """For pages: the roster, or None and a sentence saying why there is none."""
    try:
        return roster_for(session, launch), ""
    except LtiServiceError as error:
        current_app.logger.info("roster unavailable: %s", error)
        return None, error.for_people
