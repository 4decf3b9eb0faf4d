"""The application factory, config and migrations."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import inspect

from plugin import create_app
from plugin.config import Settings
from plugin.db import get_db


def test_settings_read_prefixed_environment() -> None:
    settings = Settings.from_env(
        {"LEADERLED_DATABASE_URL": "sqlite:///x.db", "LEADERLED_SQL_ECHO": "yes", "OTHER": "1"}
    )
    assert settings.database_url == "sqlite:///x.db"
    assert settings.sql_echo is True


def test_settings_repr_hides_secrets() -> None:
    settings = Settings(lrs_password="hunter2", secret_key="s3cret", lrs_token="tok")
    text = repr(settings)
    assert "hunter2" not in text
    assert "s3cret" not in text
    assert "tok'" not in text


def test_profile_base_defaults_to_app_url() -> None:
    assert Settings(public_url="https://ll.example.org/").resolved_profile_base == (
        "https://ll.example.org/xapi"
    )
    assert Settings(profile_base="https://id.example.org/ll/").resolved_profile_base == (
        "https://id.example.org/ll"
    )


def test_create_app_takes_overrides_in_both_spellings(database_url: str) -> None:
    app = create_app({"LEADERLED_DATABASE_URL": database_url, "public_url": "https://t.example"})
    assert app.config["LEADERLED"].public_url == "https://t.example"
    assert get_db(app).url == database_url


def test_home_page(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"Leaderled" in response.data


def test_unknown_page_is_a_readable_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Not Found" in response.data
    json_response = client.get("/api/nothing")
    assert json_response.status_code == 404
    assert json_response.content_type == "application/problem+json"  # RFC 9457, as the API
    assert json_response.get_json()["title"] == "Not Found"


def test_migrations_create_every_model_table(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    from plugin.db import Base

    tables = set(inspect(get_db(app).engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_migrations_match_the_models(app) -> None:  # type: ignore[no-untyped-def]
    """A model change without its migration fails here, not in production."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from plugin.db import Base

    with get_db(app).engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_lti_limits_come_from_the_environment_typed() -> None:
    from plugin.config import flask_config_from_env

    found = flask_config_from_env(
        {
            "LEADERLED_LTI_CLOCK_LEEWAY": "5",
            "LEADERLED_LTI_SECURE_COOKIES": "false",
            "LEADERLED_LTI_AUTO_APPROVE_REGISTRATIONS": "yes",
            "LEADERLED_DATABASE_URL": "sqlite://",
            "LTI_CLOCK_LEEWAY": "99",
        }
    )
    assert found == {
        "LTI_CLOCK_LEEWAY": 5,
        "LTI_SECURE_COOKIES": False,
        "LTI_AUTO_APPROVE_REGISTRATIONS": True,
    }


def test_explicit_config_wins_over_lti_environment(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADERLED_LTI_CLOCK_LEEWAY", "5")
    assert create_app({"database_url": database_url}).config["LTI_CLOCK_LEEWAY"] == 5
    app = create_app({"database_url": database_url, "LTI_CLOCK_LEEWAY": 7})
    assert app.config["LTI_CLOCK_LEEWAY"] == 7
