"""The roster on the leader's home page and as JSON: cached, role-guarded, explained."""

from __future__ import annotations

import pytest
from flask import Flask
from lti_svc_helpers import LiveLms, LiveTool, launch, register_tool, serve
from sqlalchemy import update

from plugin.db import session_scope
from plugin.lti.nrps import CLAIM_NRPS
from plugin.lti.service_clients import clients
from plugin.lti.service_token import ServiceAccess
from plugin.lti_platform.presets import User
from plugin.lti_platform.services import service_claims
from plugin.models.lti import LtiPlatform

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def test_roster_json_is_cached_between_requests(live_tool: LiveTool, lms: LiveLms) -> None:
    lms.services.set_roster("5", [{"user_id": "11", "roles": [LEARNER], "name": "Bo"}])
    reg = register_tool(live_tool, lms)
    assert launch(live_tool, lms, reg, extra_claims=service_claims(lms.url, "5")).status_code == 200
    first = live_tool.client.get("/lti/roster").get_json()
    second = live_tool.client.get("/lti/roster").get_json()
    assert first == second
    assert [m["name"] for m in first["members"]] == ["Bo"]
    # Home page (1 page) + both JSON calls: one NRPS page and one token in all.
    assert clients(live_tool.app).nrps.pages_fetched == 1
    assert lms.services.token_requests == 1


def test_learner_cannot_read_roster(live_tool: LiveTool, lms: LiveLms) -> None:
    lms.services.set_roster("5", [])
    reg = register_tool(live_tool, lms)
    page = launch(
        live_tool,
        lms,
        reg,
        role="learner",
        user=User(sub="11"),
        extra_claims=service_claims(lms.url, "5"),
    )
    assert page.status_code == 200
    assert 'id="roster' not in page.get_data(as_text=True)
    assert live_tool.client.get("/lti/roster").status_code == 403


def test_without_nrps_the_page_says_why(live_tool: LiveTool, lms: LiveLms) -> None:
    reg = register_tool(live_tool, lms)
    page = launch(live_tool, lms, reg)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="roster-unavailable"' in html
    assert "did not offer the course roster" in html
    response = live_tool.client.get("/lti/roster")
    assert response.status_code == 409
    assert "did not offer the course roster" in response.get_data(as_text=True)


def test_without_a_token_url_the_teacher_is_told_to_ask_an_admin(
    live_tool: LiveTool, lms: LiveLms, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 15.5: only an admin can add the token URL; the page says so, the log has the detail."""
    reg = register_tool(live_tool, lms)
    with session_scope(live_tool.app) as session:
        session.execute(update(LtiPlatform).values(token_url=None))
    with caplog.at_level("INFO"):
        page = launch(live_tool, lms, reg, extra_claims=service_claims(lms.url, "5"))
    html = page.get_data(as_text=True)
    assert "ask your LMS or Leaderled administrator" in html
    assert "--token-url" not in html
    assert any("--token-url" in r.getMessage() for r in caplog.records)


def test_an_internal_service_url_is_never_called(live_tool: LiveTool, lms: LiveLms) -> None:
    """Issue 16.3: the platform (allowed on 127.0.0.1) names an internal roster
    URL on another private address: the tool refuses before connecting, so
    neither the bearer token nor the internal answer goes anywhere."""
    hits: list[str] = []
    internal = Flask("internal")

    @internal.get("/secret")
    def secret() -> dict[str, object]:
        hits.append("secret")
        return {"members": [{"user_id": "x", "name": "Internal answer"}]}

    for served in serve(internal, "127.0.0.2"):
        reg = register_tool(live_tool, lms)
        claims = service_claims(lms.url, "5")
        claims[CLAIM_NRPS] = {"context_memberships_url": served.url + "/secret"}
        page = launch(live_tool, lms, reg, extra_claims=claims).get_data(as_text=True)
        assert "Internal answer" not in page
        assert "network the tool does not call" in page
        with session_scope(live_tool.app) as session:
            session.execute(update(LtiPlatform).values(token_url=served.url + "/secret"))
        clients(live_tool.app).tokens.forget(access_for_issuer(lms.url))
        refused = live_tool.client.get("/lti/roster")
        assert refused.status_code == 409
    assert hits == []


def access_for_issuer(issuer: str) -> ServiceAccess:
    from plugin.lti.keys import SigningKey

    return ServiceAccess(issuer, "leaderled-client", "", SigningKey("k", None))  # type: ignore[arg-type]
