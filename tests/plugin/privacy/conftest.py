"""Fixtures of the privacy tests: the app and an organisation with data
about Bo (a learner) and Ada (a leader) everywhere Leaderled keeps any."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from plugin import create_app
from tests.conftest import wipe_database

from .world import SITE, Org, build_org


@pytest.fixture
def privacy_app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "database_url": database_url,
            "testing": True,
            "secret_key": "test-secret",
            "public_url": SITE,
            "LTI_SECURE_COOKIES": False,
        }
    )
    yield app
    wipe_database(app)


@pytest.fixture
def org(privacy_app: Flask) -> Org:
    return build_org(privacy_app)
