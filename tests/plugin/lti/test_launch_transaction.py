"""The login is consumed as validation starts, committed at once (issue 17):
a launch that is refused or breaks stores nothing, and its login is spent."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from plugin.db import get_db, session_scope
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


def test_the_platform_keys_are_fetched_before_the_launch_locks_anything(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key set download can take seconds: it must not run while the launch
    holds a lock, on the consumed login (PostgreSQL) or on the whole
    database (SQLite's one write lock)."""
    reg = register(tool, moodle)
    form = _form(tool_client, moodle, reg)
    engine = get_db(tool).engine
    cache = lti_views.key_cache(tool)
    fetch = cache._fetch
    seen: list[str] = []

    def while_fetching(url: str) -> Any:
        with engine.connect() as other:
            try:
                if engine.dialect.name == "sqlite":
                    other.exec_driver_sql("PRAGMA busy_timeout = 100")
                    other.exec_driver_sql("BEGIN IMMEDIATE")
                else:
                    other.exec_driver_sql("SET lock_timeout = '100ms'")
                    other.execute(
                        select(LtiLoginState.state)
                        .where(LtiLoginState.state == form["state"])
                        .with_for_update(nowait=True)
                    ).all()
                seen.append("free")
            except OperationalError as error:
                seen.append(f"locked: {error.orig}")
            finally:
                other.rollback()
        return fetch(url)

    monkeypatch.setattr(cache, "_fetch", while_fetching)
    assert tool_client.post("/lti/launch", data=form).status_code == 200
    assert seen == ["free"]
