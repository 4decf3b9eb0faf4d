"""Two first launches of one person at once collide on a unique key: the
loser retries once and succeeds; a second collision is a 409, never a 500.
(Fault injection on top of the real launch path.)"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError

import plugin.views.lti as views
from plugin.lti.launch import complete_launch

from .conftest import NOTHING_STORED, LivePlatform, launch, register, spec_for, stored


def colliding(times: int) -> Any:
    calls = {"n": 0}

    def fake(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= times:
            complete_launch(*args, **kwargs)  # writes rows, then the commit "collides"
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return complete_launch(*args, **kwargs)

    return fake


def test_collision_is_retried_once(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "complete_launch", colliding(1))
    reg = register(tool, moodle)
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    assert response.status_code == 200
    assert stored(tool)["person"] == 1
    assert stored(tool)["lti_launch_session"] == 1


def test_repeated_collision_is_a_409_with_nothing_stored(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "complete_launch", colliding(2))
    reg = register(tool, moodle)
    response, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    assert response.status_code == 409
    assert "at the same moment" in response.get_data(as_text=True)
    assert stored(tool) == NOTHING_STORED
