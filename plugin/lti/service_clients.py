"""Per-application LTI service clients and the credentials for one launch.

One token client per application, so access tokens are cached across
requests; the roster (NRPS) and gradebook (AGS) clients share it. The
tool's signing key is read in its own committed transaction because the
platform fetches our JWKS while we wait for its token.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy.orm import Session

from plugin.db import get_db
from plugin.lti import keys as tool_keys
from plugin.lti.ags import AgsClient
from plugin.lti.keys import SigningKey
from plugin.lti.nrps import NrpsClient
from plugin.lti.outbound import OutboundClient
from plugin.lti.service_token import LtiServiceError, ServiceAccess, ServiceTokenClient
from plugin.lti.settings import lti_settings
from plugin.models.lti import LtiDeployment, LtiLaunchSession, LtiPlatform

EXTENSION = "leaderled.lti_services"
OUTBOUND = "leaderled.outbound"


class ServiceNotConfigured(LtiServiceError):
    """The platform row lacks what service calls need (e.g. its token URL).
    Only an admin can fix that: teachers are told to ask one."""

    @property
    def for_people(self) -> str:
        return (
            "Leaderled is not set up to use this LMS's services yet; ask your LMS or "
            "Leaderled administrator (the tool's log says what is missing)"
        )


@dataclass(frozen=True)
class ServiceClients:
    tokens: ServiceTokenClient
    nrps: NrpsClient
    ags: AgsClient


def outbound(app: Flask | None = None) -> OutboundClient:
    """The application's one client for calls to outside URLs (keys,
    registration, token, NRPS, AGS), with its private-host allow-list."""
    target = app if app is not None else current_app
    found = target.extensions.get(OUTBOUND)
    if not isinstance(found, OutboundClient):
        found = OutboundClient(lti_settings(target).private_hosts)
        target.extensions[OUTBOUND] = found
    return found


def clients(app: Flask | None = None) -> ServiceClients:
    """The application's shared clients, created on first use."""
    target = app if app is not None else current_app
    found = target.extensions.get(EXTENSION)
    if not isinstance(found, ServiceClients):
        tokens = ServiceTokenClient(outbound(target))
        ttl = float(target.config.get("LTI_ROSTER_TTL", 300))
        found = ServiceClients(tokens, NrpsClient(tokens, ttl=ttl), AgsClient(tokens))
        target.extensions[EXTENSION] = found
    return found


def current_key() -> SigningKey:
    with get_db().session_scope() as session:
        return tool_keys.signing_key(session)


def service_access(platform: LtiPlatform, client_id: str) -> ServiceAccess:
    if not platform.token_url:
        raise ServiceNotConfigured(
            f"No token URL is configured for platform {platform.issuer}, so the tool cannot "
            "call its services. Add it with `leaderled lti platform add --token-url`."
        )
    return ServiceAccess(
        issuer=platform.issuer,
        client_id=client_id,
        token_url=platform.token_url,
        key=current_key(),
        audience=platform.token_audience,
    )


def launch_platform(session: Session, launch: LtiLaunchSession) -> tuple[LtiPlatform, str]:
    """The platform and client id behind a (possibly detached) launch session."""
    deployment = session.get(LtiDeployment, launch.deployment_pk)
    if deployment is None:
        raise ServiceNotConfigured("The launch's deployment no longer exists.")
    return deployment.client.platform, deployment.client.client_id


def access_for(session: Session, launch: LtiLaunchSession) -> ServiceAccess:
    platform, client_id = launch_platform(session, launch)
    return service_access(platform, client_id)
