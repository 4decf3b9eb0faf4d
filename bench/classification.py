"""Classification cost per pulled statement, against decoding that statement's JSON.

A sync decodes every statement an LRS sends and then classifies it, so
``json.loads`` of the same statement is the natural baseline: the ratio says
what classification adds to work the sync does anyway. Statements: the cmi5,
SCORM, Moodle, TLA, other and leader-led files the tests use, plus every
builder's example. The original ``classify`` (kept in the tests as the oracle
of the written-out one) is timed alongside. ``python -m bench classification``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._size import size
from statements.builders import examples
from statements.classification import classify
from tests.statements import classification_reference

ROUNDS = size(9, 1)
REPEAT = size(100, 1)
DATA = Path(__file__).resolve().parent.parent / "tests" / "statements" / "data" / "classification"


def _statements() -> list[dict[str, Any]]:
    pulled = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("*.json"))]
    return pulled + examples()


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(REPEAT):
        work()
    return time.perf_counter() - start


def _best_of_interleaved(*works: Callable[[], object]) -> list[float]:
    """Best of ROUNDS timings each, rounds alternating between the works, so load
    from other processes on a shared machine hits baseline and subject alike."""
    best = [float("inf")] * len(works)
    for _ in range(ROUNDS):
        for index, work in enumerate(works):
            best[index] = min(best[index], _timed(work))
    return best


def main() -> None:
    statements = _statements()
    texts = [json.dumps(s) for s in statements]
    count = len(statements) * REPEAT
    decode, classified, original = _best_of_interleaved(
        lambda: [json.loads(t) for t in texts],
        lambda: [classify(s) for s in statements],
        lambda: [classification_reference.classify(s) for s in statements],
    )
    print(f"statements per round: {count} ({len(statements)} distinct)")
    print(f"json.loads (baseline): {decode / count * 1e6:7.2f} us/statement")
    print(f"classify:              {classified / count * 1e6:7.2f} us/statement")
    print(f"classify / json.loads: {classified / decode:5.2f}x")
    print(f"classify throughput:   {count / classified:,.0f} statements/s")
    print(f"original classify:     {original / count * 1e6:7.2f} us/statement (before it was")
    print("  written out for speed; same results, tests/statements/classification_reference.py)")


if __name__ == "__main__":
    main()
