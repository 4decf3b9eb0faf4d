"""Template check per statement, against decoding that statement's JSON.

``match_profile`` runs in tests, in ``leaderled statements validate --profile``
and when a pulled statement claims our profile; ``json.loads`` of the same
statement is the baseline measured in the same run. Statements: every builder
example in both xAPI versions. ``python -m bench templates``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from bench._size import size
from statements.builders import BuildOptions, examples
from statements.profile import build_profile
from statements.templates import match_profile
from statements.vocabulary import DEFAULT_PROFILE_BASE

ROUNDS = size(9, 1)
REPEAT = size(50, 1)


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(REPEAT):
        work()
    return time.perf_counter() - start


def main() -> None:
    statements = examples(BuildOptions(xapi_version="1.0.3")) + examples(
        BuildOptions(xapi_version="2.0.0")
    )
    texts = [json.dumps(s) for s in statements]
    profile = build_profile(DEFAULT_PROFILE_BASE)
    works = [
        lambda: [json.loads(t) for t in texts],
        lambda: [match_profile(s, profile) for s in statements],
    ]
    best = [float("inf")] * len(works)
    for _ in range(ROUNDS):  # alternate, so load from others hits both alike
        for index, work in enumerate(works):
            best[index] = min(best[index], _timed(work))
    decode, matched = best
    count = len(statements) * REPEAT
    print(f"statements per round: {count} ({len(statements)} distinct, 15 templates)")
    print(f"json.loads (baseline): {decode / count * 1e6:7.2f} us/statement")
    print(f"match_profile:         {matched / count * 1e6:7.2f} us/statement")
    print(f"match / json.loads:    {matched / decode:5.2f}x")
    print(f"match throughput:      {count / matched:,.0f} statements/s")


if __name__ == "__main__":
    main()
