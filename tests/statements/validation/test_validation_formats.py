"""The lexical formats on their own: timestamps, durations, language tags, IRIs, UUIDs."""

from __future__ import annotations

import pytest

from statements.validation.ifi import check_ifi_value
from statements.validation.iri import iri_problem
from statements.validation.language import is_language_tag
from statements.validation.report import Report
from statements.validation.timestamps import check_duration, check_timestamp, duration_problem
from statements.validation.uuids import check_uuid


def _timestamp_codes(value: str, version: str = "1.0.3") -> list[tuple[str, str]]:
    report = Report(version)
    check_timestamp(value, "$.t", report)
    return [(p.severity, p.code) for p in report.problems]


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-01T09:30:00Z",
        "2024-05-01T09:30:00.123456789+14:00",
        "2024-02-29T23:59:60Z",
        "2000-02-29T00:00:00.000+00:00",
        "1970-01-01T00:00:00,5Z",
    ],
)
def test_rfc3339_timestamps_pass(value: str) -> None:
    codes = _timestamp_codes(value)
    assert codes in ([], [("warning", "timestamp.not_rfc3339")])
    assert codes == [] or "," in value


@pytest.mark.parametrize(
    "value",
    [
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-00-10T00:00:00Z",
        "2024-05-01T12:60:00Z",
        "2024-05-01T09:30:00+25:00",
        "2024-05-01 09:30:00Z",
        "2024-05-01T09:30:00ZZ",
        "1 May 2024",
        "2024-05-01T09:30:00.Z",
        "0000-01-01T00:00:00Z",  # no year 0; Python's datetime cannot hold it either
        "0001-01-01T00:00:00+01:00",  # before the first representable instant in UTC
        "9999-12-31T23:59:59-01:00",  # after the last one
        # An unknown offset (RFC 3339 4.3): the conformance suite's XAPI-00123 wants 400.
        "2008-09-15T15:53:00.601-00:00",
        "2008-09-15T15:53:00.601-0000",
        "2008-09-15T15:53:00.601-00",
        "20080915T155300-0000",
    ],
)
def test_impossible_timestamps_are_errors(value: str) -> None:
    assert _timestamp_codes(value) == [("error", "timestamp.invalid")]


def test_basic_format_is_iso_but_not_rfc3339() -> None:
    assert _timestamp_codes("20240501T093000.5+0200") == [("warning", "timestamp.not_rfc3339")]


def test_missing_zone_is_a_warning_in_1_0_3_and_an_error_in_2_0_0() -> None:
    assert _timestamp_codes("2024-05-01T09:30:00") == [("warning", "timestamp.no_timezone")]
    assert _timestamp_codes("2024-05-01T09:30:00", "2.0.0") == [("error", "timestamp.no_timezone")]


@pytest.mark.parametrize(
    "value", ["PT1H", "P1Y", "P3W", "PT0S", "P1DT12H", "PT1.5S", "PT1H30.25M", "P0.5D", "PT36H"]
)
def test_durations_pass(value: str) -> None:
    assert duration_problem(value) is None


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("PT1H30M", []),
        ("PT1.5S", []),
        ("P1Y2M3DT4H5M6.7S", []),
        ("P2W", []),
        # ISO 8601, but the ADL reference LRS answers 400.
        ("PT1.5H", [("warning", "duration.strict_lrs")]),
        ("P0.5D", [("warning", "duration.strict_lrs")]),
        ("P1.5W", [("warning", "duration.strict_lrs")]),
        ("PT1,5S", [("warning", "duration.strict_lrs")]),
        ("PT1.5H1M", [("error", "duration.invalid")]),
    ],
)
def test_durations_a_strict_lrs_refuses_are_warnings(
    value: str, codes: list[tuple[str, str]]
) -> None:
    report = Report("1.0.3")
    check_duration(value, "$.d", report)
    assert [(p.severity, p.code) for p in report.problems] == codes


@pytest.mark.parametrize(
    "value",
    ["P", "PT", "1H", "PT1H1H", "P1W2D", "-PT1H", "PT1.5H1M", "P0001-02-03", "pt1h", "PT1,H"],
)
def test_bad_durations_fail(value: str) -> None:
    assert duration_problem(value) is not None


@pytest.mark.parametrize(
    "tag",
    [
        "en",
        "EN-us",
        "nl-BE",
        "zh-Hant-TW",
        "sr-Latn-RS",
        "es-419",
        "de-CH-1996",
        "x-whatever",
        "en-a-bbb-x-a-ccc",
        "i-klingon",
        "zh-min-nan",
        "zh-yue-HK",
        "hy-Latn-IT-arevela",
    ],
)
def test_language_tags_pass(tag: str) -> None:
    assert is_language_tag(tag)


@pytest.mark.parametrize(
    "tag", ["", "e", "en_US", "en-", "-en", "en--US", "toolongtag", "en-a", "en-a-bb-a-cc", "e1"]
)
def test_bad_language_tags_fail(tag: str) -> None:
    assert not is_language_tag(tag)


@pytest.mark.parametrize(
    "iri",
    [
        "http://example.org",
        "https://ex.org/a/b?c=d#e",
        "urn:uuid:2a0f1a5e-2f0e-4c54-9d7e-43f1",
        "mailto:a@b.org",
        "https://例え.jp/パス",
        "https://ex.org/%C3%A9",
        "tag:ex.org,2024:x",
    ],
)
def test_absolute_iris_pass(iri: str) -> None:
    assert iri_problem(iri) is None


@pytest.mark.parametrize(
    ("iri", "code"),
    [
        ("example.org/verb", "iri.not_absolute"),
        ("/verbs/x", "iri.not_absolute"),
        ("1http://x.org", "iri.not_absolute"),
        ("http:", "iri.invalid"),
        ("http://ex.org/a b", "iri.invalid"),
        ("http://ex.org/<a>", "iri.invalid"),
        ("http://ex.org/%G0", "iri.invalid"),
        ("https://", "iri.invalid"),
        ("http://ex.org/\n", "iri.invalid"),
    ],
)
def test_bad_iris_fail(iri: str, code: str) -> None:
    found = iri_problem(iri)
    assert found is not None
    assert found[0] == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2a0f1a5e-2f0e-4c54-9d7e-43f1b9b6a001", []),
        ("2A0F1A5E-2F0E-1C54-BD7E-43F1B9B6A001", []),
        ("2a0f1a5e-2f0e-4c54-7d7e-43f1b9b6a001", [("warning", "uuid.variant")]),
        ("00000000-0000-0000-0000-000000000000", [("warning", "uuid.variant")]),
        ("2a0f1a5e2f0e4c549d7e43f1b9b6a001", [("error", "uuid.invalid")]),
        ("{2a0f1a5e-2f0e-4c54-9d7e-43f1b9b6a001}", [("error", "uuid.invalid")]),
        ("2a0f1a5e-2f0e-4c54-9d7e-43f1b9b6a00g", [("error", "uuid.invalid")]),
    ],
)
def test_uuid_standard_form_and_variant(value: str, expected: list[tuple[str, str]]) -> None:
    report = Report()
    check_uuid(value, "$.id", report)
    assert [(p.severity, p.code) for p in report.problems] == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_are_not_json_numbers(value: float) -> None:
    from statements.validation import validate

    statement = {
        "actor": {"mbox": "mailto:a@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/scored"},
        "object": {"id": "http://example.org/quiz"},
        "result": {"score": {"raw": value}},
    }
    codes = {(p.path, p.code) for p in validate(statement).errors}
    assert ("$.result.score.raw", "type.number") in codes


@pytest.mark.parametrize(
    ("mbox", "codes"),
    [
        ("mailto:ada@example.org", []),
        ("mailto:trainer@localhost", [("warning", "ifi.mbox_strict_lrs")]),
        ("mailto:ada", [("error", "ifi.mbox_invalid")]),
    ],
)
def test_an_mbox_without_a_dot_in_its_domain_is_a_warning(
    mbox: str, codes: list[tuple[str, str]]
) -> None:
    report = Report("1.0.3")
    check_ifi_value("mbox", mbox, "$.actor.mbox", report)
    assert [(p.severity, p.code) for p in report.problems] == codes
