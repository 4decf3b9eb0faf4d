"""The few-seconds registration cache: read once, dropped on any write the
tool makes to the registration tables, expired after its TTL."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import event, update

from plugin.db import get_db, session_scope
from plugin.lti import registrations
from plugin.models import DeploymentStatus, LtiClient, LtiDeployment, LtiPlatform
from plugin.models.lti import LtiRoleOverride
from plugin.models.people import Role

ISSUER = "https://lms.example"


def _register(app: Flask) -> None:
    with session_scope(app) as session:
        platform = LtiPlatform(
            issuer=ISSUER, name="LMS", auth_login_url=ISSUER + "/auth", jwks_url=ISSUER + "/jwks"
        )
        client = LtiClient(platform=platform, client_id="c")
        session.add_all(
            [
                platform,
                client,
                LtiDeployment(client=client, deployment_id="1", status=DeploymentStatus.PENDING),
                LtiRoleOverride(platform=platform, context_id="", lti_role="x", role=Role.LEADER),
            ]
        )


def _lookup(app: Flask, deployment_id: str = "1") -> tuple[int, registrations.CachedRegistration]:
    """The registration and how many statements reading it took."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    engine = get_db(app).engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        with session_scope(app) as session:
            found = registrations.lookup(session, ISSUER, "c", deployment_id)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert found is not None
    return len(seen), found


def test_read_once_then_cached(tool: Flask) -> None:
    _register(tool)
    statements, found = _lookup(tool)
    assert statements == 1
    assert found.client is not None
    assert found.deployment is not None
    assert found.deployment.status is DeploymentStatus.PENDING
    assert found.overrides == (("", "x", Role.LEADER),)
    assert _lookup(tool)[0] == 0


def test_a_change_made_by_the_tool_applies_at_once(tool: Flask) -> None:
    _register(tool)
    _lookup(tool)
    with session_scope(tool) as session:  # an ORM flush, as the approvals page does
        row = session.query(LtiDeployment).one()
        row.status = DeploymentStatus.ACTIVE
    statements, found = _lookup(tool)
    assert statements == 1
    assert found.deployment is not None
    assert found.deployment.status is DeploymentStatus.ACTIVE
    with session_scope(tool) as session:  # a bulk update through a session
        session.execute(update(LtiDeployment).values(status=DeploymentStatus.PENDING))
    statements, found = _lookup(tool)
    assert statements == 1
    assert found.deployment is not None
    assert found.deployment.status is DeploymentStatus.PENDING


def test_entries_expire(tool: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    _register(tool)
    _lookup(tool)
    clock = registrations.time.monotonic() + registrations.TTL + 1
    monkeypatch.setattr(registrations.time, "monotonic", lambda: clock)
    assert _lookup(tool)[0] == 1


def test_unknown_deployment_and_issuer(tool: Flask) -> None:
    _register(tool)
    _, found = _lookup(tool, deployment_id="2")
    assert found.client is not None
    assert found.deployment is None
    with session_scope(tool) as session:
        assert registrations.lookup(session, ISSUER + "/", "c", "1") is None


def test_a_launch_between_the_write_and_its_commit_does_not_keep_the_old_row(
    tool: Flask,
) -> None:
    """Another request reads (and caches) the committed row while the approval
    is flushed but not committed; once it commits, the next launch sees it."""
    _register(tool)
    with session_scope(tool) as writer:
        row = writer.query(LtiDeployment).one()
        row.status = DeploymentStatus.ACTIVE
        writer.flush()
        _, during = _lookup(tool)
        assert during.deployment is not None
        assert during.deployment.status is DeploymentStatus.PENDING
    _, after = _lookup(tool)
    assert after.deployment is not None
    assert after.deployment.status is DeploymentStatus.ACTIVE
