"""The pages benchmark runs (tiny sizes), so it cannot break unseen."""

from __future__ import annotations

from bench import pages


def test_the_pages_benchmark_runs_on_tiny_data() -> None:
    figures = pages.run("sqlite", records=30, people=12, repeat=2)
    assert set(figures) >= {"baseline: landing page", "leader: overview", "learner: timeline"}
    assert all(median > 0 for median, _p95 in figures.values())
