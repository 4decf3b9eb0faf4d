"""``python -m bench [--quick] [NAME ...]``: run the named benchmarks (default: all).

Each benchmark is a module ``bench/<name>.py`` with a ``main() -> None``;
``--quick`` runs them at tiny sizes (``BENCH_SIZE=tiny``), as the test suite does.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def run(names: list[str]) -> int:
    known = available()
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(known)}")
        return 2
    for name in names or known:
        print(f"\n### {name}", flush=True)
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if "--quick" in arguments:
        arguments.remove("--quick")
        os.environ["BENCH_SIZE"] = "tiny"  # read when each benchmark is imported
    sys.exit(run(arguments))
