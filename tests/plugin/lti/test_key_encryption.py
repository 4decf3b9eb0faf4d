"""Issue 16.6: the tool's private signing key is encrypted at rest with a key
from the environment (rotatable), and SQLite files are created owner-only."""

from __future__ import annotations

import stat
from pathlib import Path

import jwt
import pytest
from flask import Flask
from sqlalchemy import select

from plugin import migrate
from plugin.cli.lti import lti
from plugin.db import session_scope
from plugin.lti import keys as tool_keys
from plugin.models import LtiToolKey

from .conftest import TEST_KEY_ENCRYPTION_KEY, make_tool_app, wipe


def _stored(app: Flask) -> list[str]:
    with session_scope(app) as session:
        return list(session.scalars(select(LtiToolKey.private_pem)))


def test_a_copy_of_the_database_holds_no_usable_key(tool: Flask) -> None:
    jwks = tool.test_client().get("/lti/jwks").get_json()
    (stored,) = _stored(tool)
    assert stored.startswith("fernet:")
    assert "PRIVATE KEY" not in stored
    # The key still works for the tool: its JWKS verifies what it signs.
    with tool.app_context(), session_scope(tool) as session:
        key = tool_keys.signing_key(session)
    token = jwt.encode({"x": 1}, key.private_key, algorithm="RS256", headers={"kid": key.kid})
    public = jwt.PyJWKSet.from_dict(jwks)[key.kid]
    assert jwt.decode(token, public.key, algorithms=["RS256"]) == {"x": 1}


def test_the_encryption_key_rotates(database_url: str) -> None:
    new = tool_keys.new_secret()
    old_app = make_tool_app(database_url)
    try:
        old_app.test_client().get("/lti/jwks")
        before = _stored(old_app)
        both = make_tool_app(database_url, key_encryption_keys=f"{new},{TEST_KEY_ENCRYPTION_KEY}")
        result = both.test_cli_runner().invoke(lti, ["keys", "reseal"])
        assert result.exit_code == 0, result.output
        assert "1 private key(s) now encrypted" in result.output
        after = _stored(old_app)
        assert after != before
        only_new = make_tool_app(database_url, key_encryption_keys=new)
        assert only_new.test_client().get("/lti/jwks").status_code == 200
        listed = only_new.test_cli_runner().invoke(lti, ["keys", "list"])
        assert "encrypted" in listed.output
        assert "PLAIN TEXT" not in listed.output
        # The retired key alone no longer opens them: a 503 in words, never a 500.
        refused = old_app.test_client().get("/lti/jwks")
        assert refused.status_code == 503
        assert "cannot use its signing keys" in refused.get_data(as_text=True)
    finally:
        wipe(old_app)


def test_plain_keys_are_encrypted_by_reseal(database_url: str) -> None:
    plain = make_tool_app(database_url, key_encryption_keys="")
    try:
        plain.test_client().get("/lti/jwks")
        assert "PRIVATE KEY" in _stored(plain)[0]
        assert "PLAIN TEXT" in plain.test_cli_runner().invoke(lti, ["keys", "list"]).output
        refused = plain.test_cli_runner().invoke(lti, ["keys", "reseal"])
        assert refused.exit_code == 1
        assert "LEADERLED_KEY_ENCRYPTION_KEYS" in refused.output
        sealed = make_tool_app(database_url)
        assert sealed.test_cli_runner().invoke(lti, ["keys", "reseal"]).exit_code == 0
        assert _stored(plain)[0].startswith("fernet:")
        missing = plain.test_client().get("/lti/jwks")  # encrypted, and no key configured
        assert missing.status_code == 503
    finally:
        wipe(plain)


def test_new_secret_prints_a_usable_key(tool: Flask) -> None:
    printed = tool.test_cli_runner().invoke(lti, ["keys", "new-secret"]).output.strip()
    assert tool_keys.Sealer(printed).encrypts


def test_a_key_setting_that_is_not_a_key_is_named() -> None:
    with pytest.raises(tool_keys.KeysUnavailable, match="LEADERLED_KEY_ENCRYPTION_KEYS"):
        tool_keys.Sealer("not-a-fernet-key")


def test_sqlite_files_are_created_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    app = make_tool_app(url)
    app.test_client().get("/lti/jwks")  # writes: WAL and shared-memory files appear
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists():
            assert stat.S_IMODE(name.stat().st_mode) == 0o600, name
    assert path.exists()
