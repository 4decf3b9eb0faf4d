"""`make demo` end to end: local LRS, demo LMS, seed, delivery, sync, pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugin.demo.run import main


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
