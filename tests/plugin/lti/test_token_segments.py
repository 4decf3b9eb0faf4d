"""The id_token's base64url segments are decoded by strict rules at C speed
(issue 17); these pin them to the plain definition: URL-safe alphabet, at
most two '=' of padding where it completes a group, canonical encoding."""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugin.lti.validation import _segment

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def reference(segment: bytes) -> bytes:
    """The rules spelt out: decode, then encode again and compare."""
    stripped = segment.rstrip(b"=")
    padding = len(segment) - len(stripped)
    if padding > 2 or (padding and len(segment) % 4 != 0):
        raise ValueError("bad padding")
    if len(stripped) % 4 == 1 or not re.fullmatch(rb"[A-Za-z0-9_-]*", stripped):
        raise ValueError("not base64url")
    decoded = base64.urlsafe_b64decode(stripped + b"=" * (-len(stripped) % 4))
    if base64.urlsafe_b64encode(decoded).rstrip(b"=") != stripped:
        raise ValueError("not canonical")
    return decoded


def outcome(segment: bytes) -> bytes | None:
    try:
        return _segment(segment)
    except ValueError:
        return None


def expected(segment: bytes) -> bytes | None:
    try:
        return reference(segment)
    except ValueError:
        return None


@given(st.binary(max_size=64))
def test_every_encoding_decodes_back(data: bytes) -> None:
    encoded = base64.urlsafe_b64encode(data)
    assert _segment(encoded) == data
    assert _segment(encoded.rstrip(b"=")) == data


@given(st.text(alphabet=ALPHABET + "=+/ .\n\x00é", max_size=24))
def test_same_verdict_as_the_plain_rules(text: str) -> None:
    segment = text.encode("utf-8")
    assert outcome(segment) == expected(segment)


@pytest.mark.parametrize(
    "segment",
    [b"QR", b"QUJ", b"QQ=", b"Q===", b"QUJD+", b"QUJD/", b"QU JD", b"=QUJD", b"QU=JD", b"Q"],
)
def test_refused(segment: bytes) -> None:
    assert outcome(segment) is None
    assert expected(segment) is None
