"""A launch of an auto-approving platform adds its new deployment (issue 17:
validation writes it with Core on its autocommit connection, so the
registration cache is dropped by hand, not by an ORM event)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from plugin.db import session_scope
from plugin.lti import registrations
from plugin.lti_platform import mutators as m
from plugin.lti_platform.presets import User
from plugin.models import DeploymentStatus, LtiDeployment, LtiLaunchSession

from .conftest import (
    DEPLOYMENT_ID,
    NOTHING_STORED,
    LivePlatform,
    launch,
    register,
    spec_for,
    stored,
)


def test_first_launch_adds_the_deployment_and_the_next_one_finds_it(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle, auto_approve=True)
    with session_scope(tool) as session:
        session.execute(delete(LtiDeployment))
    for sub in ("1", "2"):
        response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, user=User(sub=sub)))
        assert response.status_code == 200, response.get_data(as_text=True)
        with session_scope(tool) as session:
            rows = list(session.scalars(select(LtiDeployment)))
        assert [(r.deployment_id, r.status) for r in rows] == [
            (DEPLOYMENT_ID, DeploymentStatus.ACTIVE)
        ], sub
        assert rows[0].created_at is not None
    assert stored(tool)["lti_launch_session"] == 2


def test_a_refused_launch_adds_no_deployment(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle, auto_approve=True)
    with session_scope(tool) as session:
        session.execute(delete(LtiDeployment))
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, mutators=(m.expired,)))
    assert response.status_code == 400
    with session_scope(tool) as session:
        assert list(session.scalars(select(LtiDeployment))) == []


def _read_before_it_was_added(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registration as a launch read it a moment before the deployment
    was added (by a concurrent first launch, or the CLI)."""
    read = registrations.lookup

    def stale(*args: Any) -> Any:
        found = read(*args)
        return dataclasses.replace(found, deployment=None) if found is not None else None

    monkeypatch.setattr(registrations, "lookup", stale)


def test_a_deployment_added_by_a_concurrent_first_launch_is_found(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two first launches of a new deployment at once both read "not there
    yet"; the second one's insert collides with the first's and finds its row
    (the login is consumed by then, so a retry of the whole launch could not)."""
    reg = register(tool, moodle, auto_approve=True)
    with session_scope(tool) as session:
        session.execute(delete(LtiDeployment))
    first, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, user=User(sub="1")))
    assert first.status_code == 200, first.get_data(as_text=True)
    _read_before_it_was_added(monkeypatch)
    second, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, user=User(sub="2")))
    assert second.status_code == 200, second.get_data(as_text=True)
    with session_scope(tool) as session:
        deployments = list(session.scalars(select(LtiDeployment.id)))
        used = set(session.scalars(select(LtiLaunchSession.deployment_pk)))
    assert len(deployments) == 1
    assert used == set(deployments)


def test_a_pending_deployment_found_on_collision_is_refused(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row the insert collided with is checked like any registered one:
    one added meanwhile as pending (auto-approval just switched off) is not
    launched into."""
    reg = register(tool, moodle, auto_approve=True)
    with session_scope(tool) as session:
        for deployment in session.scalars(select(LtiDeployment)):
            deployment.status = DeploymentStatus.PENDING
    _read_before_it_was_added(monkeypatch)
    refused, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    assert refused.status_code == 403, refused.get_data(as_text=True)
    assert "waiting for approval" in refused.get_data(as_text=True)
    assert stored(tool) == NOTHING_STORED
    with session_scope(tool) as session:
        statuses = list(session.scalars(select(LtiDeployment.status)))
    assert statuses == [DeploymentStatus.PENDING]
