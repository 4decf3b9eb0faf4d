"""A small organisation for page tests: a platform, a course team with a
leader, learners and an L&D admin, and a way to sign a test client in as any
of them (a stored launch session and its cookie), so page tests need no live
LMS. The LTI tests cover the launch itself; the browser tests cover both."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from plugin import create_app
from plugin.db import session_scope
from plugin.lti.claims import CONTEXT, CUSTOM, LAUNCH_PRESENTATION
from plugin.lti.nonces import digest
from plugin.lti.session import SESSION_COOKIE
from plugin.models import (
    LeaderLedRecord,
    LtiClient,
    LtiDeployment,
    LtiLaunchSession,
    LtiPlatform,
    Membership,
    OutboxRow,
    Person,
    RecordParticipant,
    Role,
    Team,
)
from plugin.models.lti import DeploymentStatus
from plugin.services.identity import person_for
from statements.identity import Identity
from tests.conftest import wipe_database

from .browser import browser, browser_state, live_stack  # noqa: F401 - fixtures for the browser tests

ISSUER = "https://moodle.example.org"
SITE = "http://localhost"


@dataclass
class World:
    """Ids of the people and teams of the test organisation."""

    team: int
    other_team: int
    deployment: int
    people: dict[str, int] = field(default_factory=dict)


def _person(session: Any, sub: str, name: str) -> Person:
    identity = Identity.account(ISSUER, sub, display=name)
    person = person_for(session, [identity], display_name=name)
    person.statement_key = identity.key()
    return person


@pytest.fixture
def pages_app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "database_url": database_url,
            "testing": True,
            "secret_key": "test-secret",
            "public_url": SITE,
            "LTI_SECURE_COOKIES": False,
        }
    )
    yield app
    wipe_database(app)


@pytest.fixture
def world(pages_app: Flask) -> World:
    """Team North: Ada leads Bo, Dee and Eli; Cy is L&D; Gus leads team South with Hal."""
    with session_scope(pages_app) as session:
        platform = LtiPlatform(
            issuer=ISSUER, name="Moodle", auth_login_url=ISSUER + "/auth", jwks_url=ISSUER + "/jwks"
        )
        client = LtiClient(platform=platform, client_id="client")
        deployment = LtiDeployment(client=client, deployment_id="1", status=DeploymentStatus.ACTIVE)
        session.add_all([platform, client, deployment])
        north = Team(platform_issuer=ISSUER, context_id="north", title="Team North")
        south = Team(platform_issuer=ISSUER, context_id="south", title="Team South")
        session.add_all([north, south])
        people = {
            "ada": _person(session, "2", "Ada Leader"),
            "bo": _person(session, "11", "Bo Learner"),
            "cy": _person(session, "1", "Cy Admin"),
            "dee": _person(session, "12", "Dee Colleague"),
            "eli": _person(session, "13", "Eli Newcomer"),
            "gus": _person(session, "20", "Gus Leader"),
            "hal": _person(session, "21", "Hal Learner"),
        }
        session.flush()
        for key, team, role in (
            ("ada", north, Role.LEADER),
            ("bo", north, Role.LEARNER),
            ("cy", north, Role.LND_ADMIN),
            ("dee", north, Role.LEARNER),
            ("eli", north, Role.LEARNER),
            ("gus", south, Role.LEADER),
            ("hal", south, Role.LEARNER),
        ):
            session.add(Membership(person=people[key], team=team, role=role))
        session.flush()
        return World(
            team=north.id,
            other_team=south.id,
            deployment=deployment.id,
            people={k: p.id for k, p in people.items()},
        )


ROLE_OF = {
    "ada": Role.LEADER,
    "gus": Role.LEADER,
    "cy": Role.LND_ADMIN,
    "bo": Role.LEARNER,
    "dee": Role.LEARNER,
    "eli": Role.LEARNER,
    "hal": Role.LEARNER,
}


def sign_in(
    app: Flask,
    world: World,
    who: str,
    *,
    role: Role | None = None,
    team: int | None = None,
    locale: str | None = None,
    custom: dict[str, str] | None = None,
    claims: dict[str, Any] | None = None,
) -> FlaskClient:
    """A client whose cookie is a launch session of ``who`` (as if launched from the
    LMS), its claims with ``custom`` parameters and any further ``claims``."""
    token = secrets.token_urlsafe(32)
    team_id = (
        team if team is not None else (world.other_team if who in ("gus", "hal") else world.team)
    )
    launch_claims: dict[str, Any] = {"sub": who, CONTEXT: {"id": str(team_id)}}
    if locale:
        launch_claims[LAUNCH_PRESENTATION] = {"locale": locale}
    if custom:
        launch_claims[CUSTOM] = custom
    launch_claims.update(claims or {})
    with session_scope(app) as session:
        session.add(
            LtiLaunchSession(
                token_hash=digest(token),
                deployment_pk=world.deployment,
                person_id=world.people[who],
                team_id=team_id,
                role=role or ROLE_OF[who],
                message_type="LtiResourceLinkRequest",
                claims=launch_claims,
                expires_at=int(time.time()) + 3600,
            )
        )
    client = app.test_client()
    client.set_cookie(SESSION_COOKIE, token)
    return client


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    found = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
    )
    assert found, "the form has no CSRF token"
    return found.group(1)


def counts(app: Flask) -> dict[str, int]:
    """Rows that recording creates: nothing may be added by a refused form."""
    with session_scope(app) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (LeaderLedRecord, RecordParticipant, OutboxRow)
        }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed browser test's report shows what the browser showed then."""
    report = yield
    funcargs = getattr(item, "funcargs", {})
    if report.when == "call" and report.failed and "browser" in funcargs:
        report.sections.append(("What the browser showed", browser_state(funcargs["browser"])))
    return report
