"""A launch of an auto-approving platform adds its new deployment (issue 17:
validation writes it with Core on the launch's connection, so the
registration cache is dropped by hand, not by an ORM event)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from plugin.db import session_scope
from plugin.lti_platform import mutators as m
from plugin.lti_platform.presets import User
from plugin.models import DeploymentStatus, LtiDeployment

from .conftest import DEPLOYMENT_ID, LivePlatform, launch, register, spec_for, stored


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
