"""LTI roles to leader / learner / L&D admin, with overrides."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin.db import session_scope
from plugin.lti.roles import map_roles
from plugin.lti_platform.presets import CANVAS_ROLES, MOODLE_ROLES
from plugin.models import LtiPlatform, LtiRoleOverride, Membership, Role

from .conftest import LivePlatform, launch, register, spec_for

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (MOODLE_ROLES["leader"], Role.LEADER),
        (MOODLE_ROLES["learner"], Role.LEARNER),
        (MOODLE_ROLES["admin"], Role.LND_ADMIN),
        (CANVAS_ROLES["leader"], Role.LEADER),
        (CANVAS_ROLES["learner"], Role.LEARNER),
        (CANVAS_ROLES["admin"], Role.LND_ADMIN),
        (CANVAS_ROLES["ta"], Role.LEADER),
        (["Instructor"], Role.LEADER),  # LTI 1.1-style short names
        ([], Role.LEARNER),
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"], Role.LEARNER),
        (["urn:unknown:role", 42], Role.LEARNER),
    ],
)
def test_default_mapping(roles: list[str], expected: Role) -> None:
    assert map_roles(roles) is expected


def test_overrides_course_before_platform_before_default() -> None:
    learner = [M + "Learner"]
    assert map_roles(learner, platform_overrides={"Learner": Role.LEADER}) is Role.LEADER
    assert (
        map_roles(
            learner,
            context_overrides={M + "Learner": Role.LEARNER},
            platform_overrides={"Learner": Role.LEADER},
        )
        is Role.LEARNER
    )
    # An override can also take a role away.
    assert map_roles([M + "Instructor"], platform_overrides={"Instructor": Role.LEARNER}) is (
        Role.LEARNER
    )


def test_role_comes_from_signed_claims_never_from_parameters(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    started = spec_for(moodle, reg, role="learner")
    params = moodle.platform.login_params(reg, started)
    response = tool_client.get("/lti/login", query_string={**params, "role": "lnd_admin"})
    from urllib.parse import parse_qsl, urlsplit

    _action, form = moodle.platform.authorize(dict(parse_qsl(urlsplit(response.location).query)))
    page = tool_client.post("/lti/launch", data={**form, "role": "lnd_admin", "roles": "Admin"})
    assert page.status_code == 200
    assert ">Learner<" in page.get_data(as_text=True)


def test_course_override_applies_at_launch(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    with session_scope(tool) as session:
        platform = session.scalars(select(LtiPlatform)).one()
        session.add(
            LtiRoleOverride(platform=platform, context_id="5", lti_role="Learner", role=Role.LEADER)
        )
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, role="learner"))
    assert response.status_code == 200
    with session_scope(tool) as session:
        assert session.scalars(select(Membership.role)).one() is Role.LEADER


@pytest.mark.parametrize(
    "roles",
    [
        [M + "Mentor"],  # a Canvas observer: a parent or guardian of a learner
        ["Mentor"],
        [M + "Mentor", "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Observer"],
    ],
)
def test_mentor_is_a_learner_by_default(roles: list[str]) -> None:
    assert map_roles(roles) is Role.LEARNER


def test_mentor_may_be_made_a_leader_per_platform() -> None:
    assert map_roles([M + "Mentor"], platform_overrides={"Mentor": Role.LEADER}) is Role.LEADER
