"""A registered LTI deployment and a signed-in launch session, stored directly:
the benches time pages, not the launch (``bench/launch.py`` times that)."""

from __future__ import annotations

import secrets
import time

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from plugin.db import session_scope
from plugin.lti.claims import CONTEXT
from plugin.lti.nonces import digest
from plugin.lti.session import SESSION_COOKIE
from plugin.models import LtiClient, LtiDeployment, LtiLaunchSession, LtiPlatform, Role
from plugin.models.lti import DeploymentStatus

ISSUER = "https://moodle.example.org"


def deployment(session: Session) -> int:
    """An active deployment of a registered platform; its primary key."""
    platform = LtiPlatform(
        issuer=ISSUER, name="Moodle", auth_login_url=ISSUER + "/a", jwks_url=ISSUER + "/j"
    )
    client = LtiClient(platform=platform, client_id="bench")
    found = LtiDeployment(client=client, deployment_id="1", status=DeploymentStatus.ACTIVE)
    session.add_all([platform, client, found])
    session.flush()
    return found.id


def signed_in(
    app: Flask, deployment_pk: int, person_id: int, team_id: int, role: Role
) -> FlaskClient:
    """A test client holding the cookie of a live launch session of ``person_id``."""
    token = secrets.token_urlsafe(32)
    with session_scope(app) as session:
        session.add(
            LtiLaunchSession(
                token_hash=digest(token),
                deployment_pk=deployment_pk,
                person_id=person_id,
                team_id=team_id,
                role=role,
                message_type="LtiResourceLinkRequest",
                claims={"sub": str(person_id), CONTEXT: {"id": "course"}},
                expires_at=int(time.time()) + 3600,
            )
        )
    client = app.test_client()
    client.set_cookie(SESSION_COOKIE, token)
    return client
