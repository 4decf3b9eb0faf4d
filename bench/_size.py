"""How big a benchmark runs: full by default; tiny with ``BENCH_SIZE=tiny``
(``python -m bench --quick``), which the test suite runs for every benchmark
so none can break unseen. Tiny figures mean nothing; only that it runs."""

from __future__ import annotations

import os

TINY = os.environ.get("BENCH_SIZE") == "tiny"


def size(full: int, tiny: int) -> int:
    return tiny if TINY else full
