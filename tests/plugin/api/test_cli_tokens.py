"""``leaderled token create|list|revoke``: the secret printed once, never
listed; a revoked token is refused by the API."""

from __future__ import annotations

import json

from flask import Flask

from plugin.cli import main
from plugin.db import session_scope
from plugin.models import Person
from tests.plugin.views.conftest import World


def test_create_list_and_revoke_from_the_command_line(pages_app: Flask, world: World) -> None:
    with session_scope(pages_app) as session:
        session.get_one(Person, world.people["ada"]).email = "ada@example.org"
    runner = pages_app.test_cli_runner()
    made = runner.invoke(
        main,
        [
            "token",
            "create",
            "--kind",
            "personal",
            "--person",
            "ada@example.org",
            "--name",
            "nightly export",
            "--scope",
            "records:read",
            "--days",
            "7",
        ],
    )
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    assert secret.startswith("llt_")
    api = pages_app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/me", headers=headers).get_json()["scopes"] == ["records:read"]
    listed = runner.invoke(main, ["token", "list", "--json"])
    (entry,) = [json.loads(line) for line in listed.output.splitlines()]
    assert (entry["name"], entry["status"], entry["person_id"]) == (
        "nightly export",
        "live",
        world.people["ada"],
    )
    assert secret not in listed.output
    assert entry["last_used_at"] is not None
    revoked = runner.invoke(main, ["token", "revoke", str(entry["id"])])
    assert revoked.exit_code == 0
    assert api.get("/api/v1/me", headers=headers).status_code == 401


def test_a_refused_token_says_why_and_stores_nothing(pages_app: Flask, world: World) -> None:
    runner = pages_app.test_cli_runner()
    refused = runner.invoke(
        main,
        ["token", "create", "--name", "hr", "--scope", "admin", "--team", str(world.team)],
    )
    assert refused.exit_code == 1
    assert "The admin scope is only for tokens of the whole organisation." in refused.output
    assert runner.invoke(main, ["token", "list", "--json"]).output == ""
