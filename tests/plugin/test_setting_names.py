"""Issue 15.3: every message that names a setting names the environment
variable a person sets (``LEADERLED_...``), and every such variable named
anywhere (messages, templates, README) is one the tool reads."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path

from plugin.config import LRS_KEYS, LRS_PREFIX, Settings
from plugin.lti.settings import RETIRED_KEYS

ROOT = Path(__file__).parents[2]
PLUGIN = ROOT / "plugin"
SOURCES = sorted(p for p in PLUGIN.rglob("*.py") if "migrations" not in p.parts)
TEMPLATES = sorted(PLUGIN.rglob("*.html"))
# Config keys the code reads: whole string literals such as "LTI_CLOCK_LEEWAY".
CONFIG_KEY = re.compile(r"""["'](LTI_[A-Z0-9_]+)["']""")
NAMED = re.compile(r"(?<![A-Za-z0-9_])(LEADERLED_)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![A-Za-z0-9_])")


def _config_keys() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        found |= set(CONFIG_KEY.findall(path.read_text(encoding="utf-8")))
    return found - set(RETIRED_KEYS)


# ``lrs_servers`` is filled from LEADERLED_LRS__<NAME>__<KEY> variables, not one of its own.
SETTINGS = {f.name.upper() for f in fields(Settings) if f.name != "lrs_servers"} | _config_keys()
KNOWN = {"LEADERLED_" + name for name in SETTINGS}
ELSEWHERE = {
    "LEADERLED_TEST_DATABASE",
    "LEADERLED_BENCH_DATABASE",
    # The container test and scripts/container-build.sh, not the tool.
    "LEADERLED_TEST_CONTAINER",
    "LEADERLED_CONTAINER_IMAGE",
    "LEADERLED_CONTAINER_BASE",
    "LEADERLED_CONTAINER_CACHE",
    "LEADERLED_CONTAINER_MIRROR",
    # Gunicorn's settings (plugin/gunicorn_conf.py), read before the app exists.
    "LEADERLED_WEB_BIND",
    "LEADERLED_WEB_PROCESSES",
    "LEADERLED_WEB_THREADS",
}


def _messages() -> list[tuple[str, str]]:
    """(where, text) of every string literal with a space (a sentence) in the
    code, docstrings aside (they speak of Flask's keys too), and of every template."""
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and " " in node.value
                and id(node) not in docstrings
            ):
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.value))
    for path in TEMPLATES:
        found.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    return found


def test_the_registry_knows_the_lti_settings() -> None:
    assert {"LTI_PRIVATE_HOSTS", "LTI_LOGIN_RATE_LIMIT", "LTI_PENDING_REGISTRATION_TTL"} <= SETTINGS
    assert "LEADERLED_KEY_ENCRYPTION_KEYS" in KNOWN


def test_messages_name_settings_by_their_environment_variable() -> None:
    bare = []
    for where, text in _messages():
        for prefix, name in NAMED.findall(text):
            if name in SETTINGS and not prefix:
                bare.append(f"{where}: {name}")
    assert bare == [], "say LEADERLED_<NAME>, the variable a person sets"


def test_every_variable_named_is_one_the_tool_reads() -> None:
    texts = [*_messages(), ("README.md", (ROOT / "README.md").read_text(encoding="utf-8"))]
    unknown = []
    for where, text in texts:
        for prefix, name in NAMED.findall(text):
            variable = prefix + name
            if prefix and variable not in KNOWN | ELSEWHERE and name not in RETIRED_KEYS:
                unknown.append(f"{where}: {variable}")
    assert unknown == []


def test_the_audit_case_names_the_variable() -> None:
    """The message that named LTI_ALLOW_PRIVATE_URLS (a Flask key nobody sets)."""
    from plugin.lti import outbound

    assert outbound.ENV_NAME == "LEADERLED_LTI_PRIVATE_HOSTS"


def test_the_named_lrs_variables_are_documented_and_read() -> None:
    """``LEADERLED_LRS__<NAME>__<KEY>``: the README names every key the parser reads."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{LRS_PREFIX}<NAME>__ENDPOINT" in readme
    for key in LRS_KEYS:
        assert f"`__{key.upper()}`" in readme or f"__{key.upper()}=" in readme, key
    settings = Settings.from_env({f"{LRS_PREFIX}X__ENDPOINT": "https://x.example/xapi/"})
    assert [t.name for t in settings.lrs_targets] == ["x"]
