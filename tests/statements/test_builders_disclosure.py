"""What statements disclose (DESIGN section 9, issue 13): minimal by default, so
no builder writes a name, an email address or free text unless the platform
opted in; every builder is exercised in both modes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements import vocabulary as v
from statements.builders import REGISTRY, BuildOptions, with_content_id
from statements.identity import Identity
from statements.template_specs import TEMPLATES
from statements.templates import match_profile
from tests.statements.strategies import EVENTS

SLUGS = [spec.slug for spec in TEMPLATES]
DISCLOSING = {"with_names": True, "with_mbox": True, "include_free_text": True}
FREE_TEXT = "Struggled with the pricing questions"
FREE_TEXT_FIELDS = ("notes", "comment")


def _agents(node: Any) -> list[dict[str, Any]]:
    """Every agent anywhere in a statement (actor, instructor, groups, extensions)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if any(key in node for key in ("account", "mbox", "mbox_sha1sum", "openid")):
            found.append(node)
        for value in node.values():
            found += _agents(value)
    elif isinstance(node, list):
        for value in node:
            found += _agents(value)
    return found


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for value in node.values() for k in _keys(value)}
    if isinstance(node, list):
        return {k for value in node for k in _keys(value)}
    return set()


class _Identifiable:
    """Rewrites an example event so every person is an email with a name and
    every free-text field holds text: the most a statement could disclose."""

    def __init__(self) -> None:
        self.people: list[Identity] = []
        self.free_text = False

    def person(self) -> Identity:
        n = len(self.people) + 1
        found = Identity.mbox(f"person{n}@example.org", display=f"Person Number{n}")
        self.people.append(found)
        return found

    def rewrite(self, value: Any) -> Any:
        if isinstance(value, Identity):
            return self.person()
        if isinstance(value, tuple):
            return tuple(self.rewrite(item) for item in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes: dict[str, Any] = {}
            for field in dataclasses.fields(value):
                if field.name in FREE_TEXT_FIELDS:
                    changes[field.name] = FREE_TEXT
                    self.free_text = True
                else:
                    changes[field.name] = self.rewrite(getattr(value, field.name))
            return dataclasses.replace(value, **changes)
        return value


def _built(slug: str, **options: Any) -> tuple[dict[str, Any], _Identifiable]:
    entry = REGISTRY[slug]
    rewriter = _Identifiable()
    built_for = BuildOptions(**options)
    event = rewriter.rewrite(entry.example_event(built_for))
    statement = with_content_id(entry.build(event, built_for))
    return statement, rewriter


def _assert_minimal(statement: dict[str, Any], people: tuple[Identity, ...] = ()) -> None:
    text = json.dumps(statement, ensure_ascii=False)
    for agent in _agents(statement):
        assert "name" not in agent, agent
    assert "mbox" not in _keys(statement)
    assert "mailto:" not in text
    assert v.NOTES.iri() not in text
    assert FREE_TEXT not in text
    for person in people:
        assert person.name is not None
        assert person.name not in text


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize("slug", SLUGS)
def test_by_default_no_builder_writes_a_name_an_email_or_free_text(slug: str, version: str) -> None:
    statement, rewriter = _built(slug, xapi_version=version)
    _assert_minimal(statement, tuple(rewriter.people))
    # An email identity is still the same person to an LRS: its sha1 stands in.
    sums = {a["mbox_sha1sum"] for a in _agents(statement) if "mbox_sha1sum" in a}
    assert sums
    assert sums <= {hashlib.sha1(p.value.encode()).hexdigest() for p in rewriter.people}
    assert match_profile(statement).ok, slug


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize("slug", SLUGS)
def test_each_opt_in_discloses_what_it_names(slug: str, version: str) -> None:
    statement, rewriter = _built(slug, xapi_version=version, **DISCLOSING)
    text = json.dumps(statement, ensure_ascii=False)
    agents = _agents(statement)
    assert agents
    for agent in agents:
        assert agent.get("mbox", "").startswith("mailto:person"), agent
        assert agent.get("name", "").startswith("Person Number"), agent
    assert "mbox_sha1sum" not in _keys(statement)
    assert (FREE_TEXT in text) is rewriter.free_text, slug
    assert match_profile(statement).ok, slug


@pytest.mark.parametrize(
    ("option", "shows", "hides"),
    [
        ("with_names", "Person Number", "mailto:"),
        ("with_mbox", "mailto:", "Person Number"),
        ("include_free_text", FREE_TEXT, "mailto:"),
    ],
)
def test_each_opt_in_discloses_only_its_own_part(option: str, shows: str, hides: str) -> None:
    statement, _ = _built("session-rated", **{option: True})
    text = json.dumps(statement, ensure_ascii=False)
    assert shows in text
    assert hides not in text


def test_free_text_builders_are_the_ones_with_notes_or_comments() -> None:
    with_text = {slug for slug in SLUGS if _built(slug)[1].free_text}
    assert with_text == {
        "mentoring-session-held",
        "coaching-moment-given",
        "feedback-given",
        "session-rated",
    }


@pytest.mark.parametrize("slug", SLUGS)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), version=st.sampled_from(["1.0.3", "2.0.0"]))
def test_random_events_stay_minimal_by_default(
    slug: str, data: st.DataObject, version: str
) -> None:
    event = data.draw(EVENTS[slug])
    statement = REGISTRY[slug].build(
        event, BuildOptions(xapi_version=version), statement_id=uuid.uuid4()
    )
    _assert_minimal(statement)  # the notes extension never appears, whatever the text
