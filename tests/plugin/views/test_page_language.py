"""Pages speak the language the LMS asked for, then the browser's, then the default."""

from __future__ import annotations

import pytest
from flask import Flask

from .conftest import World, sign_in


@pytest.mark.parametrize(
    ("locale", "accept", "expected"),
    [
        ("nl-NL", "en", "nl"),  # the LMS's choice wins over the browser
        ("nl_BE", None, "nl"),
        ("en-GB", "nl", "en"),
        (None, "nl-BE,nl;q=0.9,en;q=0.8", "nl"),  # no locale in the launch: the browser
        ("fr-FR", "nl", "nl"),  # a language we do not speak falls through
        ("fr-FR", "fr", "en"),  # ... to the default
    ],
)
def test_the_page_language(
    pages_app: Flask, world: World, locale: str | None, accept: str | None, expected: str
) -> None:
    client = sign_in(pages_app, world, "bo", locale=locale)
    headers = {"Accept-Language": accept} if accept else {}
    html = client.get("/me/", headers=headers).get_data(as_text=True)
    assert f'<html lang="{expected}">' in html
    assert ("Mijn leeroverzicht" in html) is (expected == "nl")
