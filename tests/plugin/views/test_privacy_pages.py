"""The privacy pages: the notice, my data (who looked, download), the access
log behind them, and the L&D admin's disclosure, retention, export and
erasure pages. Only L&D admins export or erase others."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.models import LeaderLedRecord, LtiPlatform, OutboxRow, Person, PrivacyAudit
from plugin.models.lti import IdentityMode
from plugin.models.privacy import AccessKind, AccessLogEntry, PrivacySettings
from plugin.services.publishing import publishing_for

from .conftest import ISSUER, World, csrf_token, sign_in
from .test_leader_pages import moment_form


def _coached(app: Flask, world: World, *people: str, notes: str = "") -> int:
    ada = sign_in(app, world, "ada")
    form = moment_form(ada, world, people=[world.people[p] for p in people or ("bo",)], notes=notes)
    response = ada.post("/leader/coaching/new", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return int(response.location.rsplit("/", 1)[-1])


def _views(app: Flask, subject: int) -> list[tuple[int | None, str, AccessKind, int | None]]:
    with session_scope(app) as session:
        return [
            (e.viewer_id, e.viewer_role, e.what, e.record_id)
            for e in session.scalars(
                select(AccessLogEntry)
                .where(AccessLogEntry.subject_id == subject)
                .order_by(AccessLogEntry.id)
            )
        ]


def _zip(response: Any) -> dict[str, Any]:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    document: dict[str, Any] = json.loads(archive.read("leaderled-export.json"))
    return document


def _form_token(client: FlaskClient, path: str) -> str:
    return csrf_token(client, path)


# -- the notice ----------------------------------------------------------------


def test_the_privacy_notice_is_public_in_english_and_dutch(pages_app: Flask, world: World) -> None:
    client = pages_app.test_client()
    page = client.get("/privacy")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Privacy in Leaderled</h1>" in html
    assert "no name, no email address, no notes and no comments" in html
    assert "Your organisation has not set a retention period yet" in html
    assert 'id="disclosure"' not in html  # no launch: no LMS to speak of
    dutch = client.get("/privacy", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "<h1>Privacy in Leaderled</h1>" in dutch
    assert "Wat naar de LRS gaat" in dutch
    assert "geen naam, geen e-mailadres" in dutch


def test_the_notice_shows_the_launchs_lms_choices_and_the_periods(
    pages_app: Flask, world: World
) -> None:
    with session_scope(pages_app) as session:
        platform = session.scalars(select(LtiPlatform)).one()
        platform.names_in_statements = True
        session.add(PrivacySettings(id=1, record_retention_days=730, formal_retention_days=365))
    html = sign_in(pages_app, world, "bo").get("/privacy").get_data(as_text=True)
    summary = html[html.index('id="disclosure"') :]
    assert re.search(r"Names in statements</dt><dd class=\"yes-no\">Yes", summary)
    assert re.search(r"Notes and comments in statements</dt><dd class=\"yes-no\">No", summary)
    assert "Leader-led records: 730 days." in html
    assert "Formal records from the LRS: 365 days." in html
    assert "Who looked at a record: until the record is deleted." in html
    assert 'id="my-data-link"' in html


# -- the access log ------------------------------------------------------------


def test_a_leader_opening_a_record_is_logged_for_everyone_it_names(
    pages_app: Flask, world: World
) -> None:
    record = _coached(pages_app, world, "bo", "dee")
    ada = sign_in(pages_app, world, "ada")
    assert ada.get(f"/leader/records/{record}").status_code == 200
    assert ada.get(f"/leader/records/{record}/edit").status_code == 200
    expected = [(world.people["ada"], "leader", AccessKind.RECORD, record)] * 2
    assert _views(pages_app, world.people["bo"]) == expected
    assert _views(pages_app, world.people["dee"]) == expected
    assert _views(pages_app, world.people["ada"]) == []  # one's own record is not logged
    assert ada.get("/leader/records").status_code == 200  # the list names nobody's record
    assert len(_views(pages_app, world.people["bo"])) == 2


def test_a_person_sees_who_looked_on_their_record_and_data_pages(
    pages_app: Flask, world: World
) -> None:
    record = _coached(pages_app, world, "bo")
    sign_in(pages_app, world, "ada").get(f"/leader/records/{record}")
    bo = sign_in(pages_app, world, "bo")
    html = bo.get("/me/").get_data(as_text=True)
    looked = html[html.index('id="looked"') :]
    assert "<strong>Ada Leader</strong>" in looked
    assert "(Leader)" in looked
    assert "looked at a record that names you" in looked
    mine = bo.get("/me/privacy").get_data(as_text=True)
    assert "<strong>Ada Leader</strong>" in mine[mine.index('id="access-log"') :]
    dee = sign_in(pages_app, world, "dee").get("/me/privacy").get_data(as_text=True)
    assert 'id="access-log-empty"' in dee
    dutch = sign_in(pages_app, world, "bo", locale="nl").get("/me/").get_data(as_text=True)
    assert "Wie jouw gegevens bekeek" in dutch
    assert "bekeek een registratie waarin jij staat" in dutch


# -- my data -------------------------------------------------------------------


def test_a_person_downloads_their_own_data_and_only_theirs(pages_app: Flask, world: World) -> None:
    _coached(pages_app, world, "bo", notes="Bo asked about pricing")
    bo = sign_in(pages_app, world, "bo")
    token = _form_token(bo, "/me/privacy")
    document = _zip(bo.post("/me/privacy/export", data={"csrf_token": token}))
    assert [p["display_name"] for p in document["tables"]["person"]] == ["Bo Learner"]
    (record,) = document["tables"]["leader_led_record"]
    assert record["notes"] == "Bo asked about pricing"  # coaching notes are shared with Bo
    text = json.dumps(document)
    assert "Dee Colleague" not in text
    assert _views(pages_app, world.people["bo"]) == []  # one's own export is not a view


def test_a_download_without_the_pages_token_is_refused(pages_app: Flask, world: World) -> None:
    bo = sign_in(pages_app, world, "bo")
    response = bo.post("/me/privacy/export", data={})
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


# -- the L&D admin's pages -----------------------------------------------------


@pytest.mark.parametrize("who", ["ada", "bo"])
def test_only_lnd_admins_export_or_erase_others(pages_app: Flask, world: World, who: str) -> None:
    client = sign_in(pages_app, world, who)
    dee = world.people["dee"]
    pages_app.config["WTF_CSRF_ENABLED"] = False
    assert client.post(f"/admin/privacy/people/{dee}/export").status_code == 403
    assert client.post(f"/admin/privacy/people/{dee}/erase").status_code == 403
    assert client.get(f"/admin/privacy/people/{dee}").status_code == 403
    with session_scope(pages_app) as session:
        assert session.get(Person, dee) is not None
    assert _views(pages_app, dee) == []


def test_an_lnd_admin_finds_a_person_sees_and_exports_their_data(
    pages_app: Flask, world: World
) -> None:
    _coached(pages_app, world, "bo")
    cy = sign_in(pages_app, world, "cy")
    bo = world.people["bo"]
    for query in ("11", "Bo", f"id:{bo}"):
        html = cy.get("/admin/privacy/", query_string={"person": query}).get_data(as_text=True)
        found = html[html.index('id="people-found"') :]
        assert f'href="/admin/privacy/people/{bo}"' in found, query
    html = cy.get("/admin/privacy/", query_string={"person": "id:x"}).get_data(as_text=True)
    assert "A Leaderled id is a whole number, such as id:12." in html
    html = cy.get("/admin/privacy/", query_string={"person": "nobody"}).get_data(as_text=True)
    assert 'id="nobody-found"' in html
    page = cy.get(f"/admin/privacy/people/{bo}").get_data(as_text=True)
    held = page[page.index('id="held"') :]
    assert "Records made, confirmed or taken part in: 1" in held
    assert "Name, email address and language: 1" in held
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    document = _zip(
        cy.post(f"/admin/privacy/people/{bo}/export", data={"csrf_token": token.group(1)})
    )
    assert [p["id"] for p in document["tables"]["person"]] == [bo]
    cy_id = world.people["cy"]
    assert [v[:3] for v in _views(pages_app, bo)][-2:] == [
        (cy_id, "lnd_admin", AccessKind.PERSONAL_DATA),
        (cy_id, "lnd_admin", AccessKind.EXPORT),
    ]
    log = cy.get("/admin/privacy/access-log").get_data(as_text=True)
    assert "looked at the data of Bo Learner: an export of their data" in log
    again = cy.get(f"/admin/privacy/people/{bo}").get_data(as_text=True)
    assert "looked at what Leaderled holds about them" in again
    assert "about you" not in again
    assert "<strong>Cy Admin</strong>" in log


def test_an_erasure_shows_what_would_go_then_erases_and_is_audited(
    pages_app: Flask, world: World
) -> None:
    record = _coached(pages_app, world, "bo")
    shared = _coached(pages_app, world, "bo", "dee")
    cy = sign_in(pages_app, world, "cy")
    bo = world.people["bo"]
    page = cy.get(f"/admin/privacy/people/{bo}/erase")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    planned = html[html.index('id="planned"') :]
    assert re.search(r"Records deleted</dt><dd>1</dd>", planned)
    assert re.search(r"Records of others without them</dt><dd>1</dd>", planned)
    with session_scope(pages_app) as session:
        assert session.get(Person, bo) is not None  # the dry run changed nothing
        assert session.scalar(select(func.count()).select_from(PrivacyAudit)) == 0
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token
    done = cy.post(f"/admin/privacy/people/{bo}/erase", data={"csrf_token": token.group(1)})
    assert done.status_code == 303
    assert done.location.endswith("/admin/privacy/erasures")
    audit = cy.get("/admin/privacy/erasures").get_data(as_text=True)
    with session_scope(pages_app) as session:
        assert session.get(Person, bo) is None
        assert session.get(LeaderLedRecord, record) is None
        assert session.get(LeaderLedRecord, shared) is not None
        (entry,) = session.scalars(select(PrivacyAudit))
        assert (entry.by_person_id, entry.by_role) == (world.people["cy"], "lnd_admin")
    assert f"Reference for the person who asked: {entry.reference}" in audit
    assert "by Cy Admin" in audit
    assert "Bo Learner" not in audit
    assert cy.get(f"/admin/privacy/people/{bo}").status_code == 404


def test_an_lnd_admin_cannot_erase_themselves_here(pages_app: Flask, world: World) -> None:
    cy = sign_in(pages_app, world, "cy")
    me = world.people["cy"]
    response = cy.get(f"/admin/privacy/people/{me}/erase")
    assert response.status_code == 403
    assert "You cannot erase your own data here" in response.get_data(as_text=True)
    assert 'id="erase"' not in cy.get(f"/admin/privacy/people/{me}").get_data(as_text=True)


def test_disclosure_is_changed_per_lms_and_statements_follow(
    pages_app: Flask, world: World
) -> None:
    with session_scope(pages_app) as session:
        platform_id = session.scalars(select(LtiPlatform.id)).one()
    cy = sign_in(pages_app, world, "cy")
    path = f"/admin/privacy/platforms/{platform_id}"
    token = _form_token(cy, path)
    refused = cy.post(path, data={"csrf_token": token, "identity": "carrier-pigeon"})
    assert refused.status_code == 422
    assert "Choose how statements name people." in refused.get_data(as_text=True)
    saved = cy.post(
        path, data={"csrf_token": token, "identity": "account", "names": "y", "notes": "y"}
    )
    assert saved.status_code == 303
    with session_scope(pages_app) as session:
        row = session.get_one(LtiPlatform, platform_id)
        assert (row.identity_mode, row.names_in_statements, row.notes_in_statements) == (
            IdentityMode.ACCOUNT,
            True,
            True,
        )
        options = publishing_for(session, pages_app.config["LEADERLED"], ISSUER).options
    assert (options.with_names, options.with_mbox, options.include_free_text) == (True, False, True)
    home = cy.get("/admin/privacy/").get_data(as_text=True)
    assert re.search(r"Names</dt><dd class=\"yes-no\">Yes", home)
    form = sign_in(pages_app, world, "ada").get("/leader/coaching/new").get_data(as_text=True)
    assert "Your organisation also sends them to the LRS." in form
    record = _coached(pages_app, world, "bo", notes="Sent along")
    with session_scope(pages_app) as session:
        (sid,) = session.get_one(LeaderLedRecord, record).current_statement_ids()

    with session_scope(pages_app) as session:
        text = session.scalars(
            select(OutboxRow.statement_json).where(OutboxRow.statement_id == sid)
        ).one()
    assert "Sent along" in text
    assert '"name":"Bo Learner"' in text


def test_retention_periods_are_checked_and_saved(pages_app: Flask, world: World) -> None:
    cy = sign_in(pages_app, world, "cy")
    token = _form_token(cy, "/admin/privacy/retention")
    refused = cy.post(
        "/admin/privacy/retention",
        data={"csrf_token": token, "records": "7", "formal": "", "access_log": "soon"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    records = "Enter how many days to keep leader-led records: a whole number from 30 to 36500"
    log = "Enter how many days to keep the access log: a whole number from 30 to 36500"
    assert html.count(records) == 2  # in the summary and next to the field
    assert html.count(log) == 2
    assert "formal records: a whole number" not in html
    assert "<title>Error: How long data is kept" in html
    with session_scope(pages_app) as session:
        assert session.scalar(select(func.count()).select_from(PrivacySettings)) == 0
    saved = cy.post(
        "/admin/privacy/retention",
        data={"csrf_token": token, "records": "730", "formal": "", "access_log": "365"},
    )
    assert saved.status_code == 303
    with session_scope(pages_app) as session:
        row = session.scalars(select(PrivacySettings)).one()
        assert (row.record_retention_days, row.formal_retention_days) == (730, None)
        assert (row.access_log_retention_days, row.updated_by) == (365, world.people["cy"])
    home = cy.get("/admin/privacy/").get_data(as_text=True)
    assert "Leader-led records</dt><dd>730 days" in home
    assert "Formal records from the LRS</dt><dd>Kept (no period set)" in home


def test_admin_pages_speak_dutch(pages_app: Flask, world: World) -> None:
    cy = sign_in(pages_app, world, "cy", locale="nl")
    html = cy.get("/admin/privacy/").get_data(as_text=True)
    assert "Wat statements prijsgeven" in html
    assert "Hoelang gegevens bewaard blijven" in html
    assert ">Privacy</a>" in html  # the menu entry
