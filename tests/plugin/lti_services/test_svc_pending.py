"""Issue 16.2: pending registrations cannot jam dynamic registration. They
expire, an admin removes them (command, approvals page), the cap holds under
concurrency, and one address cannot fill it (rate limit)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from lti_svc_helpers import Hostile, LiveLms, LiveTool, register_tool
from sqlalchemy import func, select, update

from plugin.cli.lti import lti as lti_cli
from plugin.db import session_scope
from plugin.lti import dynamic_registration as dr
from plugin.lti import pending
from plugin.models.lti import LtiClient, LtiDeployment, LtiPlatform
from plugin.models.people import utcnow


def _register(tool: LiveTool, hostile: Hostile, address: str = "127.0.0.1") -> tuple[int, str]:
    response = tool.client.get(
        "/lti/register",
        query_string={"openid_configuration": hostile.url + "/cfg", "registration_token": "t"},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code, response.get_data(as_text=True)


def _counts(app: Flask) -> dict[str, int]:
    with session_scope(app) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (LtiPlatform, LtiClient, LtiDeployment)
        }


def _configure(tool: LiveTool, **config: object) -> None:
    tool.app.config.update(config)
    tool.app.extensions.pop("leaderled.lti_settings", None)


def _age(app: Flask, days: int) -> None:
    with session_scope(app) as session:
        session.execute(update(LtiClient).values(created_at=utcnow() - timedelta(days=days)))


@pytest.fixture
def fresh(hostile: Hostile) -> Hostile:
    """Every registration gets a new client id with a pending deployment."""
    hostile.answer = (
        200,
        {
            "client_id": "fresh",
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {"deployment_id": "1"},
        },
    )
    return hostile


def test_pending_registrations_expire(live_tool: LiveTool, fresh: Hostile) -> None:
    _configure(live_tool, LTI_MAX_PENDING_REGISTRATIONS=2, LTI_PENDING_REGISTRATION_TTL=3600)
    assert _register(live_tool, fresh)[0] == 200
    assert _register(live_tool, fresh)[0] == 200
    assert _register(live_tool, fresh)[0] == 429  # the cap is full ...
    _age(live_tool.app, days=2)
    status, page = _register(live_tool, fresh)  # ... until what waited too long expired
    assert status == 200, page
    assert _counts(live_tool.app) == {"lti_platform": 1, "lti_client": 1, "lti_deployment": 1}


def test_expiry_spares_what_an_admin_added_or_approved(
    live_tool: LiveTool, fresh: Hostile, lms: LiveLms
) -> None:
    register_tool(live_tool, lms)  # added by hand, active
    by_hand = live_tool.app.test_cli_runner().invoke(
        lti_cli,
        [
            *("platform", "add", "https://lms.example", "--auth-url", "https://lms.example/a"),
            *("--jwks-url", "https://lms.example/j", "--client-id", "manual"),
        ],
    )
    assert by_hand.exit_code == 0, by_hand.output
    assert _register(live_tool, fresh)[0] == 200
    _age(live_tool.app, days=30)
    with session_scope(live_tool.app) as session:
        assert pending.purge_expired(session, ttl=3600) == 1
    with session_scope(live_tool.app) as session:
        issuers = set(session.scalars(select(LtiPlatform.issuer)))
    assert issuers == {lms.url, "https://lms.example"}


def test_cap_holds_under_concurrency(
    live_tool: LiveTool, fresh: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many registrations at once (the audit stored 57 against a cap of 50).
    Each store lingers after its insert, so without serialisation every one
    would count only itself and all would be stored."""
    cap, attempts = 5, 16
    _configure(live_tool, LTI_MAX_PENDING_REGISTRATIONS=cap, LTI_REGISTRATION_RATE_LIMIT="")
    real_store = dr._store

    def slow_store(*args: Any, **kwargs: Any) -> Any:
        stored = real_store(*args, **kwargs)
        time.sleep(0.05)
        return stored

    monkeypatch.setattr(dr, "_store", slow_store)
    start = threading.Barrier(attempts)
    statuses: list[int] = []
    lock = threading.Lock()

    def one() -> None:
        client = live_tool.app.test_client()
        start.wait(120)
        response = client.get(
            "/lti/register",
            query_string={"openid_configuration": fresh.url + "/cfg", "registration_token": "t"},
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=one) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(statuses) == attempts
    assert set(statuses) <= {200, 429}
    assert statuses.count(200) == cap
    with session_scope(live_tool.app) as session:
        assert pending.count(session) == cap


def test_one_address_cannot_fill_the_cap(live_tool: LiveTool, fresh: Hostile) -> None:
    _configure(live_tool, LTI_REGISTRATION_RATE_LIMIT="3 per hour")
    for _ in range(3):
        assert _register(live_tool, fresh, "203.0.113.7")[0] == 200
    status, page = _register(live_tool, fresh, "203.0.113.7")
    assert status == 429
    assert "Too many registration attempts from your network address" in page
    assert fresh.registrations == 3  # refused before calling out
    assert _register(live_tool, fresh, "198.51.100.2")[0] == 200  # the real LMS still gets in


def test_full_cap_names_the_commands_that_clear_it(live_tool: LiveTool, fresh: Hostile) -> None:
    _configure(live_tool, LTI_MAX_PENDING_REGISTRATIONS=1)
    assert _register(live_tool, fresh)[0] == 200
    status, page = _register(live_tool, fresh)
    assert status == 429
    assert "leaderled lti registrations purge --all" in page
    assert "removed after 24 hours" in page
    runner = live_tool.app.test_cli_runner()
    listed = runner.invoke(lti_cli, ["registrations", "list"])
    assert fresh.url in listed.output
    assert "1 waiting" in listed.output
    purged = runner.invoke(lti_cli, ["registrations", "purge"])
    assert "Removed 0" in purged.output  # nothing expired yet
    purged = runner.invoke(lti_cli, ["registrations", "purge", "--all"])
    assert "Removed 1" in purged.output
    assert _counts(live_tool.app) == {"lti_platform": 0, "lti_client": 0, "lti_deployment": 0}
    assert _register(live_tool, fresh)[0] == 200


def test_registrations_remove_one_platform(live_tool: LiveTool, fresh: Hostile) -> None:
    assert _register(live_tool, fresh)[0] == 200
    runner = live_tool.app.test_cli_runner()
    missing = runner.invoke(lti_cli, ["registrations", "remove", "https://nobody.example"])
    assert missing.exit_code == 1
    assert "No pending registration" in missing.output
    removed = runner.invoke(lti_cli, ["registrations", "remove", fresh.url])
    assert removed.exit_code == 0, removed.output
    assert _counts(live_tool.app)["lti_client"] == 0
