"""Settings: several LRSs by name, from the environment and from a TOML file."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from plugin.config import LrsTarget, Settings


def test_the_single_lrs_settings_are_the_lrs_named_default() -> None:
    settings = Settings.from_env(
        {"LEADERLED_LRS_ENDPOINT": "https://lrs.example.org/xapi/", "LEADERLED_LRS_TOKEN": "t"}
    )
    assert [(t.name, t.endpoint, t.token) for t in settings.lrs_targets] == [
        ("default", "https://lrs.example.org/xapi/", "t")
    ]
    assert settings.send_lrs_names == ("default",)


def test_nothing_configured_still_queues_for_default() -> None:
    assert Settings.from_env({}).lrs_targets == ()
    assert Settings.from_env({}).send_lrs_names == ("default",)


def test_named_lrss_from_variables_with_send_and_pull() -> None:
    settings = Settings.from_env(
        {
            "LEADERLED_LRS_ENDPOINT": "https://org.example/xapi/",
            "LEADERLED_LRS__REGIONAL__ENDPOINT": "https://region.example/xapi/",
            "LEADERLED_LRS__REGIONAL__USERNAME": "key",
            "LEADERLED_LRS__REGIONAL__PASSWORD": "Pa55-regional",
            "LEADERLED_LRS__REGIONAL__PULL": "false",
            "LEADERLED_LRS__ARCHIVE__ENDPOINT": "https://archive.example/xapi/",
            "LEADERLED_LRS__ARCHIVE__SEND": "no",
        }
    )
    assert [(t.name, t.send, t.pull) for t in settings.lrs_targets] == [
        ("default", True, True),
        ("archive", False, True),
        ("regional", True, False),
    ]
    assert settings.send_lrs_names == ("default", "regional")
    assert "Pa55-regional" not in repr(settings)


def test_a_file_with_variables_overriding_it(tmp_path: Path) -> None:
    file = tmp_path / "lrs.toml"
    file.write_text(
        '[lrs.org]\nendpoint = "https://org.example/xapi/"\nusername = "k"\n'
        'password = "from-file"\n\n[lrs.mirror]\nendpoint = "https://m.example/xapi/"\n'
        "pull = false\n"
    )
    settings = Settings.from_env(
        {"LEADERLED_LRS_FILE": str(file), "LEADERLED_LRS__ORG__PASSWORD": "from-env"}
    )
    by_name = {t.name: t for t in settings.lrs_targets}
    assert by_name["org"].password == "from-env"
    assert by_name["org"].username == "k"
    assert by_name["mirror"].pull is False
    assert by_name["mirror"].send is True


def test_settings_survive_the_trip_to_a_worker_child_process() -> None:
    settings = Settings(lrs_servers=(LrsTarget("a", "https://a.example/xapi/"),))
    assert Settings(**asdict(settings)).lrs_servers == settings.lrs_servers  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LEADERLED_LRS__X__ENDPIONT": "https://x/"}, "is not an LRS setting"),
        ({"LEADERLED_LRS__X__USERNAME": "k"}, "LRS 'x' has no endpoint"),
        ({"LEADERLED_LRS__BAD.NAME__ENDPOINT": "https://x/"}, "is not valid"),
        ({"LEADERLED_LRS__X__ENDPOINT": "https://x/", "LEADERLED_LRS__X__SEND": "maybe"}, "true"),
        ({"LEADERLED_LRS__X__ENDPOINT": "https://x/", "LEADERLED_LRS__X__SEND": "0"}, "no LRS"),
        (
            {
                "LEADERLED_LRS_ENDPOINT": "https://a/",
                "LEADERLED_LRS__DEFAULT__ENDPOINT": "https://b/",
            },
            "do not also configure",
        ),
        ({"LEADERLED_LRS_FILE": "/nonexistent/lrs.toml"}, "cannot read"),
    ],
)
def test_mistakes_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env(env)


def test_a_broken_file_is_named(tmp_path: Path) -> None:
    file = tmp_path / "lrs.toml"
    file.write_text("[lrs.org\n")
    with pytest.raises(ValueError, match="not valid TOML"):
        Settings.from_env({"LEADERLED_LRS_FILE": str(file)})
    file.write_text('[lrs.org]\nendpoint = "https://o/"\ncolour = "red"\n')
    with pytest.raises(ValueError, match="unknown key 'colour'"):
        Settings.from_env({"LEADERLED_LRS_FILE": str(file)})
