"""Issue 16.7: the Content-Security-Policy from one dict, and the security
headers on every response."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from plugin import csp

TEMPLATES = Path(__file__).parents[2] / "plugin" / "templates"


def test_policy_is_built_from_the_dict() -> None:
    header = csp.policy()
    directives = dict(part.split(" ", 1) for part in header.split("; "))
    assert directives == {name: " ".join(sources) for name, sources in csp.POLICY.items()}
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in header


def test_a_frame_ancestor_replaces_none_and_only_origins_are_added(app: Flask) -> None:
    with app.test_request_context():
        csp.frame_by("https://moodle.example.org", None, "https://x.example; script-src *")
        csp.allow("form-action", "https://moodle.example.org:8443", "javascript:alert(1)")
        header = csp.policy(getattr(__import__("flask").g, "csp_extra", None))
    assert "frame-ancestors https://moodle.example.org;" in header
    assert "form-action 'self' https://moodle.example.org:8443;" in header
    assert "script-src *" not in header
    assert "javascript" not in header
    with pytest.raises(ValueError, match="unknown CSP directive"):
        csp.allow("navigate-to", "https://x.example")


@pytest.mark.parametrize(
    "path", ["/", "/lti/home", "/lti/session", "/lti/registrations", "/nowhere"]
)
def test_every_response_carries_the_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == csp.policy()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_and_public_documents_may_be_cached(client: FlaskClient) -> None:
    assert "no-store" not in client.get("/static/leaderled.css").headers["Cache-Control"]
    profile = client.get("/xapi/profile")
    assert profile.headers["Cache-Control"] == "public, max-age=3600"
    assert profile.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/lti/jwks").headers["Cache-Control"] == "public, max-age=300"


def test_no_template_has_inline_script_or_style() -> None:
    """Scripts are files under plugin/static/ (the lead's product pages follow)."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle=", r"<style", r"\son[a-z]+="):
            if re.search(pattern, text):
                offenders.append(f"{template.relative_to(TEMPLATES)}: {pattern}")
    assert offenders == []


def test_frame_origins_are_plain_origins_that_fit_their_column() -> None:
    from plugin.lti.framing import origin_of

    assert origin_of("https://Moodle.example.org/course/view.php?id=5") == (
        "https://moodle.example.org"
    )
    assert origin_of("http://[::1]:8080/x") == "http://[::1]:8080"
    assert origin_of("https://" + "a" * 300 + ".example") is None
    assert origin_of("javascript:alert(1)") is None
    assert origin_of("http://[::1") is None
