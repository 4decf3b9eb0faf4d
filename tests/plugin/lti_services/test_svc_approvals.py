"""An L&D admin approves their own platform's dynamic registrations in the tool."""

from __future__ import annotations

import re

import pytest
from lti_svc_helpers import Hostile, LiveLms, LiveTool, form_fields, launch, register_tool
from sqlalchemy import select

from plugin.db import session_scope
from plugin.lti_platform.presets import User
from plugin.models.lti import DeploymentStatus, LtiClient, LtiDeployment, LtiPlatform


def _dynamic_registration(live_tool: LiveTool, lms: LiveLms) -> str:
    response = live_tool.client.get(
        "/lti/register",
        query_string={
            "openid_configuration": lms.url + "/platform/openid-configuration",
            "registration_token": lms.services.issue_registration_token(),
        },
    )
    assert response.status_code == 200
    (client_id,) = lms.services.clients
    return lms.platform.tools[client_id].deployment_id


def _status(live_tool: LiveTool, deployment_id: str) -> DeploymentStatus:
    with session_scope(live_tool.app) as session:
        row = session.scalars(
            select(LtiDeployment).where(LtiDeployment.deployment_id == deployment_id)
        ).one()
        return row.status


def test_admin_approves_pending_deployment_of_own_platform(
    live_tool: LiveTool, lms: LiveLms
) -> None:
    reg = register_tool(live_tool, lms)
    pending = _dynamic_registration(live_tool, lms)
    assert launch(live_tool, lms, reg, role="admin", user=User(sub="1")).status_code == 200
    page = live_tool.client.get("/lti/registrations")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-deployment="{pending}"' in html
    action, fields = form_fields(html)
    done = live_tool.client.post(action, data=fields)
    assert done.status_code == 303
    assert _status(live_tool, pending) is DeploymentStatus.ACTIVE
    after = live_tool.client.get(done.location).get_data(as_text=True)
    assert 'id="approved"' in after
    assert 'id="none-pending"' in after
    # Approving twice is refused in words, not a 500.
    again = live_tool.client.post(action, data=fields)
    assert again.status_code == 403
    assert "already active" in again.get_data(as_text=True)


def test_other_platforms_registrations_stay_with_the_cli(live_tool: LiveTool, lms: LiveLms) -> None:
    reg = register_tool(live_tool, lms)
    _dynamic_registration(live_tool, lms)  # one of our own, so the page has a form
    with session_scope(live_tool.app) as session:
        other = LtiPlatform(
            issuer="https://other.example",
            name="Other",
            auth_login_url="https://other.example/auth",
            jwks_url="https://other.example/jwks",
        )
        client = LtiClient(platform=other, client_id="x")
        deployment = LtiDeployment(client=client, deployment_id="77")
        session.add_all([other, client, deployment])
        session.flush()
        foreign_pk = deployment.id
    assert launch(live_tool, lms, reg, role="admin", user=User(sub="1")).status_code == 200
    page = live_tool.client.get("/lti/registrations").get_data(as_text=True)
    assert 'data-deployment="77"' not in page
    _, fields = form_fields(page)
    refused = live_tool.client.post(f"/lti/registrations/{foreign_pk}/approve", data=fields)
    assert refused.status_code == 403
    assert "leaderled lti platform approve" in refused.get_data(as_text=True)
    assert _status(live_tool, "77") is DeploymentStatus.PENDING


def test_leaders_and_forged_forms_are_refused(live_tool: LiveTool, lms: LiveLms) -> None:
    reg = register_tool(live_tool, lms)
    pending = _dynamic_registration(live_tool, lms)
    assert launch(live_tool, lms, reg, role="leader").status_code == 200
    assert live_tool.client.get("/lti/registrations").status_code == 403
    assert launch(live_tool, lms, reg, role="admin", user=User(sub="1")).status_code == 200
    action, fields = form_fields(live_tool.client.get("/lti/registrations").get_data(as_text=True))
    forged = live_tool.client.post(action, data={"token": fields["token"] + "x"})
    assert forged.status_code == 400
    # Another admin's browser cannot replay this admin's form.
    other = LiveTool(live_tool.app, live_tool.url, live_tool.app.test_client())
    assert launch(other, lms, reg, role="admin", user=User(sub="5")).status_code == 200
    assert other.client.post(action, data=fields).status_code == 403
    assert _status(live_tool, pending) is DeploymentStatus.PENDING


def _pending_count(live_tool: LiveTool) -> int:
    from plugin.lti import pending

    with session_scope(live_tool.app) as session:
        return pending.count(session)


def test_admin_removes_pending_registrations_in_the_tool(
    live_tool: LiveTool, lms: LiveLms, hostile: Hostile
) -> None:
    """Issue 16.2: the approvals page removes the admin's own pending
    registration, and every other platform's, which could fill the cap."""
    reg = register_tool(live_tool, lms)
    own = _dynamic_registration(live_tool, lms)
    hostile.answer = (200, {"client_id": "fresh"})
    for _ in range(2):
        response = live_tool.client.get(
            "/lti/register",
            query_string={"openid_configuration": hostile.url + "/cfg"},
        )
        assert response.status_code == 200
    assert _pending_count(live_tool) == 3
    assert launch(live_tool, lms, reg, role="admin", user=User(sub="1")).status_code == 200
    page = live_tool.client.get("/lti/registrations").get_data(as_text=True)
    assert "2 registrations of platforms no one here has approved" in page
    assert hostile.url in page
    remove_own = re.search(r'action="(/lti/registrations/\d+/remove)"', page)
    assert remove_own is not None
    _, fields = form_fields(page)
    done = live_tool.client.post(remove_own.group(1), data={"token": fields["token"]})
    assert done.status_code == 303
    assert _pending_count(live_tool) == 2
    assert own in live_tool.client.get(done.location).get_data(as_text=True)
    others = live_tool.client.post(
        "/lti/registrations/remove-others", data={"token": fields["token"]}
    )
    assert others.status_code == 303
    assert _pending_count(live_tool) == 0
    # The admin's own platform and its approved deployment stay.
    with session_scope(live_tool.app) as session:
        assert set(session.scalars(select(LtiPlatform.issuer))) == {lms.url}


@pytest.mark.parametrize("pk", ["0", "2147483648", "99999999999999999999999"])
def test_out_of_range_ids_are_not_found(live_tool: LiveTool, lms: LiveLms, pk: str) -> None:
    reg = register_tool(live_tool, lms)
    assert launch(live_tool, lms, reg, role="admin", user=User(sub="1")).status_code == 200
    for verb in ("approve", "remove"):
        response = live_tool.client.post(f"/lti/registrations/{pk}/{verb}", data={"token": "x"})
        assert response.status_code == 404


def test_admin_launch_page_links_to_the_approvals(live_tool: LiveTool, lms: LiveLms) -> None:
    """Issue 15.4: the approvals page has a way in for the L&D admin."""
    reg = register_tool(live_tool, lms)
    page = launch(live_tool, lms, reg, role="admin", user=User(sub="1")).get_data(as_text=True)
    assert 'href="/lti/registrations"' in page
    leader = launch(live_tool, lms, reg, role="leader").get_data(as_text=True)
    assert 'href="/lti/registrations"' not in leader
