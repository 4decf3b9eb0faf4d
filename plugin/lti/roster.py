"""The course roster for a launch session: NRPS with the platform's settings.

Glue between a stored launch (its claims, platform, client) and the NRPS
client: the tool's current key signs the token request, the platform's role
overrides and identity mode apply exactly as they do to launches. One token
client and one roster cache per application, so the TTL cache is shared.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, current_app
from sqlalchemy.orm import Session

from plugin.db import get_db
from plugin.lti import keys as tool_keys
from plugin.lti import roles
from plugin.lti.claims import CONTEXT
from plugin.lti.keys import SigningKey
from plugin.lti.nrps import (
    NrpsClient,
    Roster,
    RosterUnavailable,
    account_identity,
    mbox_identity,
    memberships_url,
)
from plugin.lti.service_token import LtiServiceError, ServiceAccess, ServiceTokenClient
from plugin.models.lti import IdentityMode, LtiDeployment, LtiLaunchSession, LtiPlatform
from plugin.models.people import Role

EXTENSION = "leaderled.lti_services"


def clients(app: Flask | None = None) -> tuple[ServiceTokenClient, NrpsClient]:
    """The application's shared token client and roster client."""
    target = app if app is not None else current_app
    found = target.extensions.get(EXTENSION)
    if found is None:
        tokens = ServiceTokenClient()
        ttl = float(target.config.get("LTI_ROSTER_TTL", 300))
        found = (tokens, NrpsClient(tokens, ttl=ttl))
        target.extensions[EXTENSION] = found
    pair: tuple[ServiceTokenClient, NrpsClient] = found
    return pair


def current_key() -> SigningKey:
    """The tool's signing key, created and committed in its own transaction first:
    the platform fetches our JWKS while we wait for its token, and must see it."""
    with get_db().session_scope() as session:
        return tool_keys.signing_key(session)


def service_access(platform: LtiPlatform, client_id: str) -> ServiceAccess:
    if not platform.token_url:
        raise RosterUnavailable(
            f"No token URL is configured for platform {platform.issuer}, so the tool cannot "
            "call its services. Add it with the platform's settings."
        )
    return ServiceAccess(
        issuer=platform.issuer,
        client_id=client_id,
        token_url=platform.token_url,
        key=current_key(),
        audience=platform.token_audience,
    )


def roster_for(session: Session, launch: LtiLaunchSession) -> Roster:
    """The roster of the launch's course; raises :class:`LtiServiceError` with a reason."""
    url = memberships_url(launch.claims)
    if url is None:
        raise RosterUnavailable(
            "The LMS did not offer the course roster with this launch (Names and Role "
            "Provisioning Services is off for this tool)."
        )
    # The launch row may come detached from the launch's own transaction.
    deployment = session.get(LtiDeployment, launch.deployment_pk)
    if deployment is None:
        raise RosterUnavailable("The launch's deployment no longer exists.")
    client = deployment.client
    platform = client.platform
    context = launch.claims.get(CONTEXT)
    context_id = context.get("id") if isinstance(context, dict) else None
    per_context, per_platform = roles.overrides_for(
        session, platform.id, context_id if isinstance(context_id, str) else None
    )

    def map_role(lti_roles: Iterable[str]) -> Role:
        return roles.map_roles(
            lti_roles, context_overrides=per_context, platform_overrides=per_platform
        )

    identify = (
        mbox_identity(platform.issuer)
        if platform.identity_mode == IdentityMode.MBOX
        else account_identity(platform.issuer)
    )
    _, nrps = clients()
    return nrps.roster(
        service_access(platform, client.client_id),
        url,
        identify=identify,
        map_role=map_role,
    )


def roster_or_reason(session: Session, launch: LtiLaunchSession) -> tuple[Roster | None, str]:
    """For pages: the roster, or None and a sentence saying why there is none."""
    try:
        return roster_for(session, launch), ""
    except LtiServiceError as error:
        current_app.logger.info("roster unavailable: %s", error)
        return None, str(error)
