"""``leaderled token create|list|revoke``: the secret printed once, never
listed; a revoked token is refused by the API."""

from __future__ import annotations

import json

from flask import Flask

from plugin.cli import main
from plugin.db import session_scope
from plugin.models import Person, TrainerPairing
from tests.plugin.views.conftest import World

from .conftest import ALL_SCOPES, auth, make_trainer
from .test_pairings import pairing_body


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


def _admin_token(app: Flask, *extra: str) -> tuple[int, str]:
    made = app.test_cli_runner().invoke(
        main, ["token", "create", "--name", "hr", *[f"--scope={s}" for s in ALL_SCOPES], *extra]
    )
    return made.exit_code, made.output


def test_a_token_made_for_an_l_and_d_admin_pairs_trainers_as_them(
    pages_app: Flask, world: World
) -> None:
    """An organisation-wide token from the command line acts as the L&D
    admin named by --created-by; without one it cannot pair (no one to
    name as the one who paired)."""
    make_trainer(pages_app, world.people["gus"], 2)
    with session_scope(pages_app) as session:
        session.get_one(Person, world.people["cy"]).email = "cy@example.org"
    client = pages_app.test_client()

    code, output = _admin_token(pages_app)
    assert code == 0, output
    anonymous = output.strip().splitlines()[-1]
    refused = client.post("/api/v1/pairings", json=pairing_body(world), headers=auth(anonymous))
    assert refused.status_code == 403, refused.get_json()

    code, output = _admin_token(pages_app, "--created-by", "cy@example.org")
    assert code == 0, output
    secret = output.strip().splitlines()[-1]
    made = client.post("/api/v1/pairings", json=pairing_body(world), headers=auth(secret))
    assert made.status_code == 201, made.get_json()
    with session_scope(pages_app) as session:
        pairing = session.get_one(TrainerPairing, made.get_json()["id"])
        assert pairing.assigned_by_id == world.people["cy"]
    listed = pages_app.test_cli_runner().invoke(main, ["token", "list", "--json"])
    creators = sorted((json.loads(line)["created_by"] or 0) for line in listed.output.splitlines())
    assert creators == [0, world.people["cy"]]


def test_a_token_cannot_be_made_for_someone_who_is_not_l_and_d(
    pages_app: Flask, world: World
) -> None:
    code, output = _admin_token(pages_app, "--created-by", str(world.people["ada"]))
    assert code == 2
    assert "is not an L&D admin" in output
    code, output = _admin_token(pages_app, "--created-by", "nobody@example.org")
    assert code == 2
    assert "names no person" in output
    assert pages_app.test_cli_runner().invoke(main, ["token", "list", "--json"]).output == ""
