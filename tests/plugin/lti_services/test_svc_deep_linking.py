"""Deep linking end to end: launch -> pick -> signed response verified by the platform."""

from __future__ import annotations

import requests
from lti_svc_helpers import LiveLms, LiveTool, form_fields, launch, register_tool

from plugin.lti_platform.presets import User

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def _picker(live_tool: LiveTool, lms: LiveLms, role: str = "leader") -> dict[str, str]:
    reg = register_tool(live_tool, lms)
    page = launch(
        live_tool,
        lms,
        reg,
        role=role,
        deep_linking=True,
        deep_linking_return_url=lms.url + "/platform/deep-linking/return",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert "What should this link open" in html
    action, fields = form_fields(html)
    assert action == "/lti/deep-linking"
    return fields


def test_pick_knowledge_session_returns_signed_response_platform_accepts(
    live_tool: LiveTool, lms: LiveLms
) -> None:
    fields = _picker(live_tool, lms)
    answer = live_tool.client.post(
        "/lti/deep-linking",
        data=fields | {"choice": "knowledge-session", "reference": "ks-42", "line_item": "1"},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html
    action, posted = form_fields(html)
    assert action == lms.url + "/platform/deep-linking/return"
    # The browser's auto-post, done here over real HTTP: the platform fetches the
    # tool's JWKS from the running tool and verifies the signature and claims.
    verdict = requests.post(action, data=posted, timeout=10)
    assert verdict.status_code == 200, verdict.text
    (claims,) = lms.services.deep_link_responses
    assert claims["aud"] == lms.url
    assert claims["iss"] == "leaderled-client"
    assert claims[DL + "data"] == "dl-opaque-data"
    (item,) = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == live_tool.url + "/lti/launch"
    assert item["custom"] == {"leaderled_open": "knowledge-session", "leaderled_ref": "ks-42"}
    assert item["lineItem"]["resourceId"] == "knowledge-session:ks-42"
    assert item["lineItem"]["scoreMaximum"] == 1


def test_plain_choice_without_line_item(live_tool: LiveTool, lms: LiveLms) -> None:
    fields = _picker(live_tool, lms)
    answer = live_tool.client.post(
        "/lti/deep-linking", data=fields | {"choice": "record-coaching", "title": "Coach now"}
    )
    action, posted = form_fields(answer.get_data(as_text=True))
    assert requests.post(action, data=posted, timeout=10).status_code == 200
    (item,) = lms.services.deep_link_responses[0][DL + "content_items"]
    assert item["title"] == "Coach now"
    assert item["custom"] == {"leaderled_open": "record-coaching"}
    assert "lineItem" not in item


def test_tampered_or_foreign_form_refused(live_tool: LiveTool, lms: LiveLms) -> None:
    fields = _picker(live_tool, lms)
    tampered = live_tool.client.post(
        "/lti/deep-linking", data={"token": fields["token"] + "x", "choice": "team"}
    )
    assert tampered.status_code == 400
    assert "not issued by Leaderled" in tampered.get_data(as_text=True)
    # A second launch in another browser cannot use the first browser's form.
    other = live_tool.app.test_client()
    reg_claims = lms.platform.tools["leaderled-client"]
    second = LiveTool(live_tool.app, live_tool.url, other)
    launch(second, lms, reg_claims, user=User(sub="9"))
    foreign = other.post("/lti/deep-linking", data={"token": fields["token"], "choice": "team"})
    assert foreign.status_code == 403
    assert "another launch" in foreign.get_data(as_text=True)
    assert lms.services.deep_link_responses == []


def test_missing_reference_and_unknown_choice_are_400(live_tool: LiveTool, lms: LiveLms) -> None:
    fields = _picker(live_tool, lms)
    missing = live_tool.client.post(
        "/lti/deep-linking", data=fields | {"choice": "training-material"}
    )
    assert missing.status_code == 400
    assert "which training material" in missing.get_data(as_text=True)
    unknown = live_tool.client.post("/lti/deep-linking", data=fields | {"choice": "admin"})
    assert unknown.status_code == 400


def test_without_launch_session_is_401(live_tool: LiveTool) -> None:
    response = live_tool.client.post("/lti/deep-linking", data={"choice": "team"})
    assert response.status_code == 401


def test_platform_rejects_response_signed_with_another_key(
    live_tool: LiveTool, lms: LiveLms
) -> None:
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    fields = _picker(live_tool, lms)
    answer = live_tool.client.post("/lti/deep-linking", data=fields | {"choice": "team"})
    action, posted = form_fields(answer.get_data(as_text=True))
    claims = jwt.decode(posted["JWT"], options={"verify_signature": False})
    kid = jwt.get_unverified_header(posted["JWT"])["kid"]
    forged = jwt.encode(
        claims,
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
        headers={"kid": kid},
    )
    refused = requests.post(action, data={"JWT": forged}, timeout=10)
    assert refused.status_code == 400
    assert "Signature verification failed" in refused.text
    assert lms.services.deep_link_responses == []


def test_picker_suggests_the_courses_sessions_and_materials(
    live_tool: LiveTool, lms: LiveLms
) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from plugin.db import session_scope
    from plugin.models.people import Person, Team
    from plugin.models.records import LeaderLedRecord, RecordKind

    reg = register_tool(live_tool, lms)
    assert launch(live_tool, lms, reg).status_code == 200  # creates the person and team
    with session_scope(live_tool.app) as session:
        leader = session.scalars(select(Person)).one()
        team = session.scalars(select(Team)).one()
        when = datetime(2026, 11, 20, tzinfo=UTC)
        for kind, title in (
            (RecordKind.KNOWLEDGE_SESSION, "Safety basics"),
            (RecordKind.MATERIAL_SHARED, "Forklift checklist"),
            (RecordKind.COACHING_MOMENT, "Private coaching"),
        ):
            session.add(
                LeaderLedRecord(
                    kind=kind, leader_id=leader.id, team_id=team.id, title=title, occurred_at=when
                )
            )
    page = launch(
        live_tool,
        lms,
        reg,
        deep_linking=True,
        deep_linking_return_url=lms.url + "/platform/deep-linking/return",
    )
    html = page.get_data(as_text=True)
    assert "Safety basics (knowledge session)" in html
    assert "Forklift checklist (material shared)" in html
    assert "Private coaching" not in html  # coaching stays out of course links


def test_missing_reference_shows_the_form_again_with_the_message_at_the_field(
    live_tool: LiveTool, lms: LiveLms
) -> None:
    """Issue 15.5: no dead end; GOV.UK's pattern (summary, message at the field,
    the person's values kept), and the corrected form goes through."""
    fields = _picker(live_tool, lms)
    missing = live_tool.client.post(
        "/lti/deep-linking",
        data=fields | {"choice": "knowledge-session", "title": "Week 3", "line_item": "1"},
    )
    html = missing.get_data(as_text=True)
    assert missing.status_code == 400
    assert "<title>Error: Choose what this link opens" in html
    assert 'id="error-summary"' in html
    assert '<a href="#reference">Say which knowledge session the link opens.</a>' in html
    assert (
        '<span class="error-message" id="reference-error">Say which knowledge session the link '
        "opens.</span>" in html
    )
    assert 'aria-describedby="reference-error"' in html
    assert 'value="knowledge-session" required checked' in html
    assert 'value="Week 3"' in html
    action, again = form_fields(html)
    assert again["token"] == fields["token"]
    fixed = live_tool.client.post(
        action, data=again | {"choice": "knowledge-session", "reference": "ks-7"}
    )
    assert fixed.status_code == 200
    assert "deep-linking-return" in fixed.get_data(as_text=True)
    policy = fixed.headers["Content-Security-Policy"]
    assert f"form-action 'self' {lms.url}" in policy  # the answer posts back to the LMS
