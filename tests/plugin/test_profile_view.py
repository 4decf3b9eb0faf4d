"""The profile and every IRI we mint resolve at this app when the base is ours."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from plugin import create_app
from statements.profile import build_profile
from statements.vocabulary import version_iri

BASE = "http://localhost:5000/xapi"


def _path(iri: str) -> str:
    return iri.removeprefix("http://localhost:5000")


def test_profile_is_served_as_json_ld(client: FlaskClient) -> None:
    response = client.get("/xapi/profile")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert response.get_json(force=True) == build_profile(BASE)


def test_the_version_iri_resolves_to_the_document(client: FlaskClient) -> None:
    response = client.get(_path(version_iri(BASE)))
    assert response.status_code == 200
    assert response.get_json(force=True)["versions"][0]["id"] == version_iri(BASE)


def test_every_concept_template_and_pattern_resolves(client: FlaskClient) -> None:
    profile = build_profile(BASE)
    for item in profile["concepts"] + profile["templates"] + profile["patterns"]:
        response = client.get(_path(item["id"]))
        assert response.status_code == 200, item["id"]
        body = response.get_json(force=True)
        assert body == {"@context": profile["@context"], **item}
        assert body["inScheme"] == version_iri(BASE)


def test_an_unknown_iri_is_a_404_that_says_why(client: FlaskClient) -> None:
    response = client.get("/xapi/verbs/danced", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert (
        "is not a concept, template or pattern of the Leaderled profile"
        in (response.get_json()["message"])
    )


def test_iris_under_a_foreign_base_do_not_resolve_here(database_url: str) -> None:
    app: Flask = create_app(
        {"database_url": database_url, "profile_base": "https://id.example.org/ll"}
    )
    client = app.test_client()
    response = client.get("/xapi/verbs/taught", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert (
        "https://id.example.org/ll, which another server hosts" in (response.get_json()["message"])
    )
    document = client.get("/xapi/profile").get_json(force=True)
    assert document["id"] == "https://id.example.org/ll/profile"
