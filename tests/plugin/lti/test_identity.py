"""The xAPI actor per platform setting, and one person across launches."""

from __future__ import annotations

import hashlib

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin.db import session_scope
from plugin.lti_platform import mutators as m
from plugin.lti_platform.presets import User
from plugin.models import IdentityMode, LtiLaunchSession, Person, PersonIdentifier

from .conftest import NOTHING_STORED, LivePlatform, launch, register, spec_for, stored

LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def identifier_keys(app: Flask) -> set[str]:
    with session_scope(app) as session:
        return set(session.scalars(select(PersonIdentifier.key)))


def test_mbox_mode_uses_the_email_claim(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle, identity_mode=IdentityMode.MBOX)
    user = User(sub="9", email="Grace.Hopper@Example.org")
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, user=user))
    assert response.status_code == 200
    sha1 = hashlib.sha1(b"mailto:grace.hopper@example.org").hexdigest()
    # The sha1 form too, so formal records from an LRS that hides emails still match.
    assert identifier_keys(tool) == {
        "mbox mailto:grace.hopper@example.org",
        f"mbox_sha1sum {sha1}",
        f"account {moodle.url} 9",
    }


def test_username_mode_uses_the_custom_parameter(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle, identity_mode=IdentityMode.USERNAME)
    response, _ = launch(
        tool_client, moodle, reg, spec_for(moodle, reg, user=User(sub="9", username="gh"))
    )
    assert response.status_code == 200
    assert f"account {moodle.url} gh" in identifier_keys(tool)


def test_username_mode_without_parameter_is_refused_and_stores_nothing(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle, identity_mode=IdentityMode.USERNAME)
    spec = spec_for(moodle, reg, mutators=(m.set_lti("custom", {"username": "$User.username"}),))
    response, _ = launch(tool_client, moodle, reg, spec)
    assert response.status_code == 400
    assert "custom parameter" in response.get_data(as_text=True)
    assert stored(tool) == NOTHING_STORED


def test_same_user_twice_is_one_person_and_mode_change_keeps_them(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    for _ in range(2):
        response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
        assert response.status_code == 200
    with session_scope(tool) as session:
        from plugin.models import LtiPlatform

        session.scalars(select(LtiPlatform)).one().identity_mode = IdentityMode.MBOX
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    assert response.status_code == 200
    with session_scope(tool) as session:
        assert len(session.scalars(select(Person)).all()) == 1
        assert len(session.scalars(select(LtiLaunchSession)).all()) == 3
    assert "mbox mailto:ada@example.org" in identifier_keys(tool)


def test_statement_actor_from_a_stored_session_names_only_when_opted_in(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    from plugin.lti.identity import statement_actor
    from plugin.models import LtiPlatform

    reg = register(tool, moodle)
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, user=User(sub="12")))
    assert response.status_code == 200
    with session_scope(tool) as session:
        platform = session.scalars(select(LtiPlatform)).one()
        claims = session.scalars(select(LtiLaunchSession)).one().claims
        assert statement_actor(platform, claims) == {
            "objectType": "Agent",
            "account": {"homePage": moodle.url, "name": "12"},
        }
        platform.names_in_statements = True
        platform.identity_mode = IdentityMode.MBOX
        assert statement_actor(platform, claims) == {
            "objectType": "Agent",
            "name": "Ada Leader",
            "mbox": "mailto:ada@example.org",
        }
