"""The login is consumed in the launch's own transaction (issue 17): a launch
that is refused or breaks is rolled back, and its login still spent."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.lti_platform import mutators as m
from plugin.models import LtiLoginState
from plugin.views import lti as lti_views

from .conftest import NOTHING_STORED, LivePlatform, login, register, spec_for, stored


def _logins(app: Flask) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(LtiLoginState)) or 0


def _form(
    client: FlaskClient, live: LivePlatform, reg: Any, mutators: tuple[Any, ...] = ()
) -> dict[str, str]:
    started = login(client, live, reg, spec_for(live, reg, mutators=mutators))
    return live.platform.authorize(dict(parse_qsl(urlsplit(started.location).query)))[1]


def test_refused_launch_spends_its_login_and_stores_nothing(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    reg = register(tool, moodle)
    form = _form(tool_client, moodle, reg, (m.expired,))
    assert _logins(tool) == 1
    assert tool_client.post("/lti/launch", data=form).status_code == 400
    assert _logins(tool) == 0
    assert stored(tool) == NOTHING_STORED
    # The same form again: the login is gone, not merely refused again.
    again = tool_client.post("/lti/launch", data=form)
    assert again.status_code == 400
    assert "unknown, expired or already used" in again.get_data(as_text=True)


def test_launch_that_breaks_spends_its_login(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg = register(tool, moodle)
    form = _form(tool_client, moodle, reg)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("storage broke")

    monkeypatch.setattr(lti_views, "complete_launch", broken)
    with pytest.raises(RuntimeError):
        tool_client.post("/lti/launch", data=form)
    assert _logins(tool) == 0
    assert stored(tool) == NOTHING_STORED
