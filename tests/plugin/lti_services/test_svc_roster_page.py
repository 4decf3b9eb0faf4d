"""The roster on the leader's home page and as JSON: cached, role-guarded, explained."""

from __future__ import annotations

from lti_svc_helpers import LiveLms, LiveTool, launch, register_tool

from plugin.lti.service_clients import clients
from plugin.lti_platform.presets import User
from plugin.lti_platform.services import service_claims

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
