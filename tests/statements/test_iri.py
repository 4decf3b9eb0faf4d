"""RFC 3987 IRIs: the verdict and the explanation for each case, in the validator and builders.

Every case states its expected verdict. The "typed by a leader" table holds
links of the kind people paste into a form (SharePoint, wikis, video sites),
written without looking at the implementation; the property test compares
the grammar with the ``rfc3987`` package (GPL, so a test-only oracle here:
it comes with Ralph).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import rfc3987
from hypothesis import given, settings
from hypothesis import strategies as st

from statements.builders import Material, MaterialEvent, Text, material_event
from statements.builders.registry import LEADER
from statements.iri import INVALID, NOT_ABSOLUTE, iri_problem, is_iri
from statements.validation import validate

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def valid_statement() -> dict[str, Any]:
    return {
        "actor": {"objectType": "Agent", "mbox": "mailto:ada@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/shared", "display": {"en": "shared"}},
        "object": {
            "objectType": "Activity",
            "id": "https://leaderled.example.org/materials/31",
            "definition": {
                "type": "http://id.tincanapi.com/activitytype/document",
                "moreInfo": "https://leaderled.example.org/materials/31/info",
            },
        },
        "context": {"extensions": {"https://leaderled.example.org/ext/topic": "products"}},
    }


# (IRI, None when valid, else (code, words the explanation must contain))
CASES: list[tuple[str, tuple[str, str] | None]] = [
    ("https://leaderled.example.org/sessions/7f0c", None),
    ("https://ex.org/a/b?c=d#e", None),
    ("urn:uuid:6f1e0d52-8c5b-4b8a-9a4e-0c7f2d9b1a11", None),
    ("mailto:a@b.org", None),
    ("tag:example.org,2026:leaderled", None),
    ("https://例え.jp/パス?q=é#frag", None),
    ("https://ex.org/%C3%A9", None),
    ("https://[::1]:8080/x", None),
    ("https://[2001:db8::7]/x", None),
    ("https://192.168.0.1:443/", None),
    ("https://user:pw@ex.org/", None),
    ("https://ex.org:/empty-port-is-allowed", None),
    ("https://ex.org/?\ue000private-use-in-query", None),
    ("https://ex.org/a[v2]/b", (INVALID, "'[' in its path")),
    ("https://ex.org/a]", (INVALID, "']' in its path")),
    ("https://ex.org:https/a", (INVALID, "port 'https' that is not a number")),
    ("https://ex.org:80:80/a", (INVALID, "port '80:80' that is not a number")),
    ("https://ex.org/a#b#c", (INVALID, "second '#'")),
    ("https://ex.org/a b", (INVALID, "a space in its path")),
    ("https://ex.org/?q=a b", (INVALID, "a space in its query")),
    ("https://ex.org/#a b", (INVALID, "a space in its fragment")),
    ("https://ex.org/a|b", (INVALID, "'|' in its path")),
    ("https://ex.org/{x}", (INVALID, "'{' in its path")),
    ("https://ex.org/a\\b", (INVALID, "'\\' in its path")),
    ("https://ex.org/%zz", (INVALID, "'%zz' in its path")),
    ("https://ex.org/a%", (INVALID, "'%' in its path")),
    ("https://ex.org/\n", (INVALID, "a line break in its path")),
    ("https://ex.org/\ue000", (INVALID, "U+E000 in its path")),
    ("https://ex ample.org/", (INVALID, "a space in its host")),
    ("https://[v2]/x", (INVALID, "host '[v2]' that is not an IPv6 address")),
    ("https://ex[1].org/", (INVALID, "'[' or ']' in its host")),
    ("https://[::1/x", (INVALID, "not an IPv6 address")),
    ("https://us er@ex.org/", (INVALID, "user name part")),
    ("ht tp://ex.org", (INVALID, "scheme 'ht tp'")),
    ("http:", (INVALID, "nothing after its scheme")),
    ("https://", (INVALID, "without a host")),
    ("http:///path", (INVALID, "without a host")),
    ("example.org/verb", (NOT_ABSOLUTE, "needs a scheme")),
    ("/verbs/x", (NOT_ABSOLUTE, "needs a scheme")),
    ("1http://ex.org", (NOT_ABSOLUTE, "start with a letter")),
    ("", (NOT_ABSOLUTE, "needs a scheme")),
]

# Links as leaders paste them into the material form.
TYPED_BY_A_LEADER: list[tuple[str, tuple[str, str] | None]] = [
    ("https://contoso.sharepoint.com/sites/Sales/Shared Documents/Guide.pdf", (INVALID, "space")),
    (
        "https://contoso.sharepoint.com/sites/Sales/Shared%20Documents/Guide.pdf",
        None,
    ),
    ("https://wiki.example.org/display/OPS/Closing+the+month", None),
    ("https://wiki.example.org/pages/viewpage.action?pageId=123#Step-2", None),
    ("https://docs.google.com/document/d/1AbC/edit#heading=h.x1y2", None),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", None),
    ("https://intranet.example.org/kennisbank/voorjaarscollectie-2026", None),
    ("https://intranet.example.org/api[v2]/materials/31", (INVALID, "'['")),
    ("https://intranet.example.org:https/materials", (INVALID, "port 'https'")),
    ("https://intranet.example.org/guide#part-1#part-2", (INVALID, "second '#'")),
    ("https://intranet.example.org/a|b", (INVALID, "'|'")),
    ("www.example.org/guide.pdf", (NOT_ABSOLUTE, "needs a scheme")),
    ("https://café.example.fr/menu", None),
    ("https://example.org/\u201cquoted\u201d", None),  # curly quotes are ucschar
    ('https://example.org/"quoted"', (INVALID, "'\"' in its path")),
]


@pytest.mark.parametrize(("iri", "expected"), CASES + TYPED_BY_A_LEADER)
def test_each_case_gets_its_verdict_and_explanation(
    iri: str, expected: tuple[str, str] | None
) -> None:
    problem = iri_problem(iri)
    if expected is None:
        assert problem is None, problem
        assert is_iri(iri)
        return
    assert problem is not None, iri
    code, words = expected
    assert problem.code == code
    assert words in problem.reason
    assert problem.message.startswith("'")


@pytest.mark.parametrize(
    ("field", "where"),
    [
        ("object.id", ("object", "id")),
        ("verb.id", ("verb", "id")),
        ("object.definition.type", ("object", "definition", "type")),
        ("object.definition.moreInfo", ("object", "definition", "moreInfo")),
    ],
)
@pytest.mark.parametrize(
    ("iri", "words"),
    [
        ("https://ex.org/a[v2]/b", "'[' in its path"),
        ("https://ex.org:https/a", "port 'https' that is not a number"),
        ("https://ex.org/a#b#c", "second '#'"),
    ],
)
def test_the_validator_names_the_field_and_what_is_wrong(
    field: str, where: tuple[str, ...], iri: str, words: str
) -> None:
    statement = valid_statement()
    target = statement
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = iri
    report = validate(statement)
    assert [(p.path, p.code) for p in report.errors] == [(f"$.{field}", "iri.invalid")]
    assert words in report.errors[0].message
    assert iri in report.errors[0].message


def test_the_validator_explains_a_bad_extension_key() -> None:
    statement = valid_statement()
    statement["context"]["extensions"] = {"https://ex.org/ext[1]": 1}
    report = validate(statement)
    assert [p.code for p in report.errors] == ["iri.invalid"]
    assert report.errors[0].message.startswith("Extension key 'https://ex.org/ext[1]' has '['")


@pytest.mark.parametrize(("link", "expected"), TYPED_BY_A_LEADER)
def test_a_material_link_is_checked_when_the_statement_is_built(
    link: str, expected: tuple[str, str] | None
) -> None:
    event = MaterialEvent("shared", LEADER, Material(link, Text("Guide"), "training-material"), AT)
    if expected is None:
        assert material_event(event)["object"]["id"] == link
        return
    with pytest.raises(ValueError, match=r"^material id ") as raised:
        material_event(event)
    assert expected[1] in str(raised.value)


def test_a_profile_base_that_is_no_iri_is_refused_with_the_reason() -> None:
    from statements.builders import BuildOptions

    with pytest.raises(ValueError, match=r"profile base 'https://ex\.org:x/xapi' has a port"):
        BuildOptions(base="https://ex.org:x/xapi")


_ALPHABET = st.sampled_from(
    [
        *"aZ09-._~:/?#[]@!$&'()*+,;=% \"<>\\^`{|}",
        "%41",
        "%zz",
        "é",
        "\u00a0",
        "\ue000",
        "\ufffe",
        "\U00010000",
        "\x7f",
        "::1",
        "8080",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(
    scheme=st.sampled_from(["https", "urn", "h+t.t-p", "1x"]),
    body=st.lists(_ALPHABET, max_size=14).map("".join),
)
def test_the_grammar_agrees_with_the_rfc3987_package(scheme: str, body: str) -> None:
    value = f"{scheme}:{body}"
    match = rfc3987.match(value, rule="IRI")
    # The package's pattern ends in '$', which also matches before a final line break.
    reference = match is not None and match.group(0) == value
    assert is_iri(value) == reference, value
