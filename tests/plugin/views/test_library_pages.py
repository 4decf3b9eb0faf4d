"""The material library: L&D adds materials (a link or a safely stored
file), leaders find, open and share them, learners see what was shared with
them; every refused upload stores nothing, and files are served only to
people who may see them, with the right headers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import LeaderLedRecord, Material, TopicCategory
from plugin.models.catalogue import ValueKind
from plugin.models.records import RecordKind
from statements import vocabulary as v

from .conftest import SITE, World, csrf_token, sign_in
from .tips_helpers import (
    add_value,
    assert_matches,
    latest_record,
    statements_of,
    tip_counts,
    use_upload_dir,
)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def uploads(pages_app: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    use_upload_dir(pages_app, folder)
    return folder


def stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def material_form(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf_token": csrf_token(client, "/admin/materials/new"),
        "title": "Giving feedback in five minutes",
        "kind": "coaching-guideline",
        "description": "A one-page guide.",
        "language": "en",
        "url": "https://intranet.example.org/feedback-guide",
    }
    form.update(changes)
    return {k: val for k, val in form.items() if val is not None}


def add_material(app: Flask, world: World, **changes: Any) -> int:
    admin = sign_in(app, world, "cy")
    response = admin.post(
        "/admin/materials/new",
        data=material_form(admin, **changes),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(response.location.rsplit("/", 1)[-1])


def test_an_admin_adds_a_linked_material_with_a_value_and_topic(
    pages_app: Flask, world: World, uploads: Path
) -> None:
    value = add_value(pages_app, "customer-first", "Customer first", "Klant eerst")
    with session_scope(pages_app) as session:
        topic = session.scalar(select(TopicCategory.id).where(TopicCategory.slug == "products"))
    material_id = add_material(pages_app, world, values=[str(value)], topics=[str(topic)])
    with session_scope(pages_app) as session:
        material = session.get_one(Material, material_id)
        assert material.iri == f"{SITE}/materials/{material.key}"
        assert [x.slug for x in material.values] == ["customer-first"]
        assert [t.slug for t in material.topics] == ["products"]
        assert material.url == "https://intranet.example.org/feedback-guide"
        assert material.file_key is None
    leader = sign_in(pages_app, world, "ada")
    html = leader.get("/library/").get_data(as_text=True)
    assert "Giving feedback in five minutes" in html
    assert "1 material" in html


def test_an_uploaded_file_is_stored_under_a_name_of_ours_and_served_safely(
    pages_app: Flask, world: World, uploads: Path
) -> None:
    material_id = add_material(
        pages_app, world, url="", file=(io.BytesIO(PDF), "Feedback guide.pdf")
    )
    (stored,) = stored_files(uploads)
    assert stored.read_bytes() == PDF
    assert "Feedback" not in str(stored)
    with session_scope(pages_app) as session:
        material = session.get_one(Material, material_id)
        assert (material.file_name, material.file_type, material.file_size) == (
            "Feedback guide.pdf",
            "application/pdf",
            len(PDF),
        )
    leader = sign_in(pages_app, world, "ada")
    response = leader.get(f"/library/{material_id}/file")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Disposition"] == 'attachment; filename="Feedback guide.pdf"'
    assert "sandbox" in response.headers["Content-Security-Policy"]


BAD_UPLOADS: list[tuple[str, bytes, str, str]] = [
    ("path in the name", PDF, "../../etc/guide.pdf", "without a folder path"),
    ("windows path", PDF, "..\\secret\\guide.pdf", "without a folder path"),
    ("refused type", b"<html><script>alert(1)</script></html>", "guide.html", "must be a PDF"),
    ("no extension", PDF, "guide", "must be a PDF"),
    ("html renamed", b"<html><script>alert(1)</script></html>", "guide.pdf", "not a .pdf file"),
    ("a docx called pdf", _docx(), "guide.pdf", "not a .pdf file"),
    ("empty", b"", "guide.pdf", "The file is empty"),
]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [case[1:] for case in BAD_UPLOADS],
    ids=[case[0] for case in BAD_UPLOADS],
)
def test_a_refused_upload_stores_nothing(
    pages_app: Flask, world: World, uploads: Path, data: bytes, name: str, message: str
) -> None:
    admin = sign_in(pages_app, world, "cy")
    before = tip_counts(pages_app)
    response = admin.post(
        "/admin/materials/new",
        data=material_form(admin, url="", file=(io.BytesIO(data), name)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert 'id="file-error"' in html
    assert message in html
    assert tip_counts(pages_app) == before
    assert stored_files(uploads) == []


def test_an_upload_over_the_limit_is_refused(pages_app: Flask, world: World, uploads: Path) -> None:
    pages_app.config["LEADERLED"] = pages_app.config["LEADERLED"].merged({"upload_max_bytes": 1000})
    admin = sign_in(pages_app, world, "cy")
    before = tip_counts(pages_app)
    big = PDF + b"0" * 1000
    response = admin.post(
        "/admin/materials/new",
        data=material_form(admin, url="", file=(io.BytesIO(big), "big.pdf")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "0.001 MB or smaller" in response.get_data(as_text=True)
    assert tip_counts(pages_app) == before
    assert stored_files(uploads) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"kind": "poster"}, "kind"),
        ({"language": "xx"}, "language"),
        ({"url": ""}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "intranet/guide"}, "url"),
        ({"values": ["424242"]}, "values"),
        ({"topics": ["424242"]}, "topics"),
        ({"description": "d" * 2001}, "description"),
    ],
)
def test_bad_material_input_is_refused(
    pages_app: Flask, world: World, uploads: Path, change: dict[str, Any], field: str
) -> None:
    admin = sign_in(pages_app, world, "cy")
    before = tip_counts(pages_app)
    response = admin.post(
        "/admin/materials/new",
        data=material_form(admin, **change),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True) or (
        f'id="{field}-0' in response.get_data(as_text=True)
    )
    assert tip_counts(pages_app) == before


def test_a_link_and_a_file_together_are_refused(
    pages_app: Flask, world: World, uploads: Path
) -> None:
    admin = sign_in(pages_app, world, "cy")
    response = admin.post(
        "/admin/materials/new",
        data=material_form(admin, file=(io.BytesIO(PDF), "guide.pdf")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not both" in response.get_data(as_text=True)
    assert stored_files(uploads) == []


def test_a_leader_cannot_change_the_library(pages_app: Flask, world: World, uploads: Path) -> None:
    material_id = add_material(pages_app, world)
    leader = sign_in(pages_app, world, "ada")
    before = tip_counts(pages_app)
    token = csrf_token(leader, "/leader/coaching/new")
    assert leader.get("/admin/materials/new").status_code == 403
    form = {"csrf_token": token, "title": "Mine", "kind": "best-practice", "language": "en"}
    assert leader.post("/admin/materials/new", data=form).status_code == 403
    edit = f"/admin/materials/{material_id}/edit"
    assert leader.post(edit, data=form).status_code == 403
    retire = f"/admin/materials/{material_id}/retire"
    assert leader.post(retire, data={"csrf_token": token}).status_code == 403
    assert tip_counts(pages_app) == before


def test_browse_and_search_by_value_priority_topic_and_language(
    pages_app: Flask, world: World, uploads: Path
) -> None:
    value = add_value(pages_app, "customer-first", "Customer first", "Klant eerst")
    priority = add_value(
        pages_app, "grow-belgium", "Grow in Belgium", "Groeien in België", ValueKind.PRIORITY
    )
    with session_scope(pages_app) as session:
        products = session.scalar(select(TopicCategory.id).where(TopicCategory.slug == "products"))
    add_material(pages_app, world, title="Alpha guide", values=[str(value)])
    add_material(
        pages_app,
        world,
        title="Beta slides",
        kind="training-material",
        language="nl",
        values=[str(priority)],
        topics=[str(products)],
    )
    leader = sign_in(pages_app, world, "ada")

    def titles(query: str) -> list[str]:
        html = leader.get("/library/?" + query).get_data(as_text=True)
        return [t for t in ("Alpha guide", "Beta slides") if f">{t}</a>" in html]

    assert titles("") == ["Alpha guide", "Beta slides"]
    assert titles(f"value={value}") == ["Alpha guide"]
    assert titles(f"priority={priority}") == ["Beta slides"]
    assert titles("topic=products") == ["Beta slides"]
    assert titles("language=nl") == ["Beta slides"]
    assert titles("kind=coaching-guideline") == ["Alpha guide"]
    assert titles("q=slides") == ["Beta slides"]
    assert titles("q=%25&value=x&topic=nope&language=zz&kind=zz&page=x") == []


def test_opening_records_used_once_a_day(pages_app: Flask, world: World, uploads: Path) -> None:
    value = add_value(pages_app, "customer-first", "Customer first", "Klant eerst")
    material_id = add_material(pages_app, world, values=[str(value)])
    leader = sign_in(pages_app, world, "ada")
    path = f"/library/{material_id}"
    token = csrf_token(leader, path)
    response = leader.post(path + "/open", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.location.endswith(f"{path}?opened=1")
    page = leader.get(response.location).get_data(as_text=True)
    assert 'href="https://intranet.example.org/feedback-guide"' in page
    row = latest_record(pages_app)
    assert row.kind is RecordKind.MATERIAL_USED
    (statement,) = statements_of(pages_app, row.id)
    assert_matches(statement, "material-used")
    with session_scope(pages_app) as session:
        iri = session.get_one(Material, material_id).iri
    assert statement["object"]["id"] == iri
    assert statement["object"]["definition"]["type"] == v.COACHING_GUIDELINE.iri(SITE + "/xapi")
    (grouping,) = statement["context"]["contextActivities"]["grouping"]
    assert grouping["id"] == SITE + "/xapi/values/customer-first"
    before = tip_counts(pages_app)
    assert leader.post(path + "/open", data={"csrf_token": token}).status_code == 303
    assert tip_counts(pages_app) == before  # the same day: not a second use


def test_a_leader_shares_with_the_team_and_the_learner_sees_it(
    pages_app: Flask, world: World, uploads: Path
) -> None:
    material_id = add_material(
        pages_app, world, url="", file=(io.BytesIO(PDF), "guide.pdf"), title="Team guide"
    )
    other_id = add_material(pages_app, world, title="Not shared")
    leader = sign_in(pages_app, world, "ada")
    path = f"/library/{material_id}/share"
    response = leader.post(path, data={"csrf_token": csrf_token(leader, path), "audience": "team"})
    assert response.status_code == 303
    row = latest_record(pages_app)
    assert row.kind is RecordKind.MATERIAL_SHARED
    (statement,) = statements_of(pages_app, row.id)
    assert_matches(statement, "material-shared")
    with session_scope(pages_app) as session:
        shared = session.get_one(LeaderLedRecord, row.id)
        names = sorted(p.person.display_name or "" for p in shared.participants)
    assert names == ["Bo Learner", "Dee Colleague", "Eli Newcomer"]
    learner = sign_in(pages_app, world, "bo")
    html = learner.get("/me/").get_data(as_text=True)
    assert 'id="shared-materials"' in html
    assert "Team guide" in html
    assert "Not shared" not in html
    assert learner.get(f"/library/{material_id}/file").data == PDF
    # What was not shared with them does not exist for them; Hal is in another team.
    assert learner.get(f"/library/{other_id}").status_code == 404
    assert learner.get(f"/library/{other_id}/file").status_code == 404
    assert learner.get("/library/").status_code == 403
    hal = sign_in(pages_app, world, "hal")
    assert hal.get(f"/library/{material_id}/file").status_code == 404


def test_sharing_with_chosen_people_only_from_the_team(
    pages_app: Flask, world: World, uploads: Path
) -> None:
    material_id = add_material(pages_app, world)
    leader = sign_in(pages_app, world, "ada")
    path = f"/library/{material_id}/share"
    token = csrf_token(leader, path)
    before = tip_counts(pages_app)
    for people in ([], [str(world.people["hal"])], [str(world.people["ada"])]):
        form = {"csrf_token": token, "audience": "people", "people": people}
        response = leader.post(path, data=form)
        assert response.status_code == 422
        assert 'id="people-error"' in response.get_data(as_text=True)
    assert leader.post(path, data={"csrf_token": token, "audience": "all"}).status_code == 422
    assert tip_counts(pages_app) == before
    form = {"csrf_token": token, "audience": "people", "people": [str(world.people["dee"])]}
    assert leader.post(path, data=form).status_code == 303
    assert "Giving feedback" not in sign_in(pages_app, world, "bo").get("/me/").get_data(
        as_text=True
    )
    assert "Giving feedback" in sign_in(pages_app, world, "dee").get("/me/").get_data(as_text=True)


def test_a_retired_material_leaves_the_library_but_stays_shared(
    pages_app: Flask, world: World, uploads: Path
) -> None:
    material_id = add_material(pages_app, world)
    leader = sign_in(pages_app, world, "ada")
    share = f"/library/{material_id}/share"
    leader.post(share, data={"csrf_token": csrf_token(leader, share), "audience": "team"})
    admin = sign_in(pages_app, world, "cy")
    token = csrf_token(admin, "/admin/materials/new")
    retire = f"/admin/materials/{material_id}/retire"
    assert admin.post(retire, data={"csrf_token": token}).status_code == 303
    assert "Giving feedback" not in leader.get("/library/").get_data(as_text=True)
    assert leader.get(f"/library/{material_id}").status_code == 404
    assert sign_in(pages_app, world, "bo").get(f"/library/{material_id}").status_code == 200


def test_library_material_attached_to_a_knowledge_session(
    pages_app: Flask, world: World, uploads: Path
) -> None:
    material_id = add_material(pages_app, world)
    leader = sign_in(pages_app, world, "ada")
    page = leader.get("/leader/sessions/new").get_data(as_text=True)
    assert f'name="materials" value="{material_id}"' in page
    form = {
        "csrf_token": csrf_token(leader, "/leader/sessions/new"),
        "title": "Feedback that lands",
        "topic": "operations",
        "people": [str(world.people["bo"])],
        "minutes": "30",
        "occurred_at": "2026-01-05T10:00",
        "materials": [str(material_id)],
    }
    response = leader.post("/leader/sessions/new", data=form)
    assert response.status_code == 303
    taught, _attended = statements_of(pages_app, int(response.location.rsplit("/", 1)[-1]))
    assert_matches(taught, "knowledge-session-taught")
    with session_scope(pages_app) as session:
        iri = session.get_one(Material, material_id).iri
    assert [m["id"] for m in taught["context"]["contextActivities"]["other"]] == [iri]
    edit = response.location + "/edit"
    assert f'value="{material_id}" checked' in leader.get(edit).get_data(as_text=True)
    before = tip_counts(pages_app)
    tampered = dict(form, materials=["424242"])
    response = leader.post("/leader/sessions/new", data=tampered)
    assert response.status_code == 422
    assert 'id="materials-error"' in response.get_data(as_text=True)
    assert tip_counts(pages_app) == before


def test_a_material_iri_resolves_for_those_who_may_see_it(
    pages_app: Flask, world: World, uploads: Path
) -> None:
    material_id = add_material(pages_app, world)
    with session_scope(pages_app) as session:
        key = session.get_one(Material, material_id).key
    leader = sign_in(pages_app, world, "ada")
    response = leader.get(f"/materials/{key}")
    assert response.status_code == 303
    assert response.location.endswith(f"/library/{material_id}")
    assert sign_in(pages_app, world, "bo").get(f"/materials/{key}").status_code == 404


def test_library_in_dutch(pages_app: Flask, world: World, uploads: Path) -> None:
    add_material(pages_app, world)
    leader = sign_in(pages_app, world, "ada", locale="nl")
    html = leader.get("/library/").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Bibliotheek" in html
    assert "Coachingsrichtlijn" in html
