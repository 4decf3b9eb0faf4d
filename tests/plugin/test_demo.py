"""`make demo` end to end: local LRS, demo LMS, seed, delivery, sync, pages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from plugin.demo import seed
from plugin.demo.local_lrs import free_port
from plugin.demo.run import main
from tests.lrs_servers.servers import learning_locker


@pytest.mark.lrs
def test_demo_smoke_run_delivers_syncs_and_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("LEADERLED_LRS_ENDPOINT", "LEADERLED_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    code = main(
        ["--smoke", "--tool-port", "0", "--lms-port", "0", "--data-dir", str(tmp_path / "demo")]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "(0 still queued)" in out
    assert "Synced back    8 formal records" in out
    assert "Smoke check passed." in out


@pytest.mark.lrs
def test_the_demo_runs_again_and_again_against_one_real_lrs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Seeded the same day the statements are the same; another day they get other ids."""
    lrs = learning_locker(tmp_path / "lrs")  # its own store: exactly the demo's statements
    lrs.start()
    try:
        monkeypatch.setenv("LEADERLED_LRS_ENDPOINT", lrs.endpoint)
        monkeypatch.setenv("LEADERLED_LRS_USERNAME", "demo")
        monkeypatch.setenv("LEADERLED_LRS_PASSWORD", "demo")
        monkeypatch.delenv("LEADERLED_DATABASE_URL", raising=False)
        today = seed.demo_now()
        ports = ["--tool-port", str(free_port()), "--lms-port", str(free_port())]
        outputs = []
        for run, day in enumerate((today, today, today + timedelta(days=1))):
            monkeypatch.setattr(seed, "demo_now", lambda day=day: day)
            args = ["--smoke", *ports]
            code = main([*args, "--data-dir", str(tmp_path / f"demo-{run}")])
            out = capsys.readouterr().out
            assert code == 0, out
            outputs.append(out)
        for out in outputs:
            assert "(0 still queued)" in out
            assert "not stored" not in out
            assert "Smoke check passed." in out
        assert "Synced back    8 formal records" in outputs[1]  # the same 8 again
        assert "Synced back    16 formal records" in outputs[2]  # yesterday's and today's
    finally:
        lrs.stop()
