"""Issue 15.7: every benchmark runs in the suite at tiny sizes
(``python -m bench --quick NAME``), so a change cannot break one unseen.
Only that it runs is checked here; bench/RESULTS.md has the figures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import available

ROOT = Path(__file__).parents[2]
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

pytestmark = pytest.mark.slow


def test_every_benchmark_is_listed() -> None:
    modules = {p.stem for p in (ROOT / "bench").glob("*.py") if not p.stem.startswith("_")}
    assert set(available()) == modules
    assert "lti_launch" in modules


@pytest.mark.parametrize("name", available())
def test_benchmark_runs_in_quick_mode(name: str) -> None:
    selected = os.environ.get("LEADERLED_TEST_DATABASE", "")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADERLED_")} | {
        # The delivery and sync benchmarks need PostgreSQL (several workers).
        "LEADERLED_BENCH_DATABASE": selected if selected.startswith("postgresql") else PG_DEFAULT,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert f"### {name}" in done.stdout
    assert "Traceback" not in done.stderr
