"""compose.yaml and the Containerfile stay in step with the code (no podman needed).

Runs everywhere, unlike tests/test_container.py: every command a service runs
is a real ``leaderled`` command, every setting it passes is one the tool
reads, the migration runs before the web process and the workers, and the
image's default command serves the app factory that exists.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from plugin.cli import main
from plugin.config import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
SERVICES: dict[str, Any] = COMPOSE["services"]
CONTAINERFILE = (ROOT / "Containerfile").read_text(encoding="utf-8")
TOOL = {name: s for name, s in SERVICES.items() if "leaderled" in str(s.get("image", ""))}


def _resolves(args: list[str]) -> bool:
    """Whether ``leaderled <args>`` names a command (options aside)."""
    ctx = click.Context(main)
    command: click.Command = main
    for word in args:
        if word.startswith("-"):
            break
        if not isinstance(command, click.Group):
            return False
        found = command.get_command(ctx, word)
        if found is None:
            return False
        command = found
    return not isinstance(command, click.Group)


def test_every_service_runs_a_real_leaderled_command() -> None:
    assert set(TOOL) == {"db-upgrade", "web", "worker-1", "worker-2"}
    for name, service in TOOL.items():
        command = service.get("command")
        if command is None:  # the image's own command: the web process
            assert name == "web"
            continue
        assert command[0] == "leaderled", name
        assert _resolves(command[1:]), f"{name}: leaderled {' '.join(command[1:])}"
    assert [s["command"][1] for n, s in TOOL.items() if n.startswith("worker")] == [
        "worker",
        "worker",
    ]


def test_every_setting_passed_is_one_the_tool_reads() -> None:
    known = {ENV_PREFIX + f.name.upper() for f in fields(Settings)}
    for name, service in TOOL.items():
        passed = set(service["environment"])
        assert passed <= known, f"{name}: {sorted(passed - known)}"
        assert {"LEADERLED_DATABASE_URL", "LEADERLED_SECRET_KEY"} <= passed


def test_the_schema_is_migrated_before_anything_serves_or_delivers() -> None:
    assert SERVICES["db-upgrade"]["command"] == ["leaderled", "db", "upgrade"]
    assert SERVICES["db-upgrade"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker-1", "worker-2"):
        assert SERVICES[name]["depends_on"] == {
            "db-upgrade": {"condition": "service_completed_successfully"}
        }
    url = TOOL["web"]["environment"]["LEADERLED_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://")  # several workers need PostgreSQL


def test_the_image_serves_the_app_factory_as_a_non_root_user() -> None:
    cmd = re.search(r"^CMD (\[.*\])$", CONTAINERFILE, re.MULTILINE)
    assert cmd, "the Containerfile has no exec-form CMD"
    args = json.loads(cmd.group(1))
    assert args[0] == "waitress-serve"
    module, _, factory = args[args.index("--call") + 1].partition(":")
    assert callable(getattr(importlib.import_module(module), factory))
    assert re.search(r"^USER leaderled$", CONTAINERFILE, re.MULTILINE)
    assert "ARG BASE=docker.io/library/python:3.11-slim" in CONTAINERFILE


@pytest.mark.parametrize("path", ["plugin", "lrs_client", "statements"])
def test_the_build_context_holds_every_package_of_the_wheel(path: str) -> None:
    ignored = (ROOT / ".containerignore").read_text(encoding="utf-8").splitlines()
    assert f"!{path}/" in ignored
    assert f"COPY {path} ./{path}" in CONTAINERFILE
