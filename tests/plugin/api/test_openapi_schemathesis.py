"""schemathesis against the OpenAPI document the app serves: for every
operation, generated requests (a bounded number) never get a 5xx and never
an answer outside the document (status, content type, body, headers)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from plugin.models import TokenKind
from tests.plugin.views.conftest import World

from .conftest import (
    ALL_SCOPES,
    add_expectation,
    add_material,
    auth,
    make_token,
    make_trainer,
    moment_body,
    session_body,
)

#: Examples per operation and token: enough to find a 500 on a bad value,
#: few enough for the suite (30 operations x 2 tokens).
EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_the_document_is_openapi_3_1_and_names_every_operation(pages_app: Flask) -> None:
    document = pages_app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "delete"}
    }
    assert ("POST", "/api/v1/moments") in operations
    assert ("GET", "/api/v1/records") in operations
    assert ("POST", "/api/v1/outbox/parked/{statement_id}/resend") in operations
    assert ("POST", "/api/v1/goals") in operations
    assert ("POST", "/api/v1/feedback-requests/{request_id}/feedback") in operations
    assert len(operations) == 30
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_docs_page_needs_no_cdn(pages_app: Flask) -> None:
    client = pages_app.test_client()
    page = client.get("/api/v1/docs/").get_data(as_text=True)
    assert "http://" not in page.replace('xmlns="http://', "")
    assert "https://" not in page
    assert "<script>" not in page  # scripts are files: CSP 'self' holds
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/v1/docs/assets/swagger-ui.css").status_code == 200
    assert client.get("/api/v1/docs/assets/index.css").status_code == 404


@pytest.mark.parametrize("who", ["leader", "organisation"])
def test_every_operation_answers_inside_the_document(
    pages_app: Flask, world: World, who: str
) -> None:
    pages_app.config["LEADERLED"] = pages_app.config["LEADERLED"].merged({"api_rate_limit": "0"})
    leader = make_token(pages_app, person=world.people["ada"])
    secret = (
        leader
        if who == "leader"
        else make_token(
            pages_app, kind=TokenKind.SERVICE, scopes=ALL_SCOPES, created_by=world.people["cy"]
        )
    )
    # Something for the tips' operations to find: a material, an expectation, a trainer.
    add_material(pages_app, world)
    add_expectation(pages_app, world)
    make_trainer(pages_app, world.people["gus"], 2)
    client = pages_app.test_client()
    # Something to find: a moment and a session with statements.
    assert (
        client.post("/api/v1/moments", json=moment_body(world), headers=auth(leader)).status_code
        == 201
    )
    assert (
        client.post("/api/v1/sessions", json=session_body(world), headers=auth(leader)).status_code
        == 201
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", pages_app)
    seen = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        seen += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            case.call_and_validate(headers=auth(secret), checks=CHECKS)

        check()
    assert seen == 30
