"""Our verdicts against a real, conformance-tested LRS validator: Learning Locker's
``xapi-validation`` (the package its statement service rejects statements with).

Every statement we accept, Learning Locker accepts, and every one it rejects,
we reject at a related path. Where we are stricter, the case is listed below
with the reason, so a change on either side shows up here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_validation_invalid import CASES
from test_validation_properties import statements
from test_validation_valid import VALID
from validation_samples import bent

from statements.validation import validate

LRS_SERVERS = Path(__file__).resolve().parents[2] / "lrs_servers"
NODE_MODULES = LRS_SERVERS / "node_modules"

_SCRIPT = """
const validate = require('xapi-validation').default;
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const paths = input.map(s => validate(s).map(w => (w.path || []).join('.')));
process.stdout.write(JSON.stringify(paths));
"""

# Spec rules Learning Locker does not enforce; ours are errors because the spec says MUST.
_LOOSE_IRI = "LL's IRI check accepts what RFC 3987 excludes"
_EMPTY = "LL does not reject empty strings/objects outside extensions (XAPI-00001)"
_PATTERN = "LL does not check interaction components or response patterns"
STRICTER_THAN_LL = {
    "version-not-semver": "LL does not check that version is x.y.z",
    "timestamp-feb-30": "LL checks timestamp shape, not the calendar",
    "timestamp-date-only": "LL accepts a date without a time",
    "sha1-short": "LL does not check mbox_sha1sum is 40 hex digits",
    "actor-name-empty": _EMPTY,
    "verb-display-empty-text": _EMPTY,
    "verb-display-empty": _EMPTY,
    "definition-empty": _EMPTY,
    "result-empty": _EMPTY,
    "group-member-group": "LL lets a Group's member be a Group",
    "team-agent": "LL lets context.team be an Agent",
    "context-statement-no-type": "LL does not require objectType in context.statement",
    "verb-id-space": _LOOSE_IRI,
    "verb-id-bad-escape": _LOOSE_IRI,
    "verb-id-http-no-host": _LOOSE_IRI,
    "definition-moreinfo-quote": _LOOSE_IRI,
    "true-false-yes": _PATTERN,
    "choice-unknown-id": _PATTERN,
    "choice-empty-item": _PATTERN,
    "sequencing-unknown-id": _PATTERN,
    "likert-two-ids": _PATTERN,
    "matching-no-pair": _PATTERN,
    "matching-unknown-target": _PATTERN,
    "performance-bad-range": _PATTERN,
    "numeric-reversed": _PATTERN,
    "numeric-word": _PATTERN,
    "fill-in-bad-flag": _PATTERN,
    "long-fill-in-order": _PATTERN,
    "fill-in-bad-lang": _PATTERN,
    "component-duplicate-id": _PATTERN,
    "min-equals-max": "LL does not compare score min and max",
    "language-repeated-singleton": "LL does not check RFC 5646 singleton repetition",
    "attachment-length-negative": "LL checks that length is an integer, not its sign",
    "attachment-sha2-short": "LL does not check the sha2 length",
}
# Where Learning Locker is stricter than the spec.
LL_REJECTS_VALID = {
    "single-context-activity": "xAPI allows one Activity (not in an array) in contextActivities",
}


@cache
def _learning_locker(statements_json: str) -> list[list[str]]:
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "xapi-validation").is_dir():
        pytest.fail(
            "needs Node.js and tests/lrs_servers/node_modules: run scripts/bootstrap.sh node"
        )
    done = subprocess.run(
        [node, "-e", _SCRIPT],
        input=statements_json,
        capture_output=True,
        text=True,
        cwd=LRS_SERVERS,
        env={"NODE_PATH": str(NODE_MODULES), "PATH": str(Path(node).parent)},
        timeout=60,
        check=True,
    )
    verdicts: list[list[str]] = json.loads(done.stdout)
    return verdicts


def _verdicts(statements: list[Any]) -> list[list[str]]:
    return _learning_locker(json.dumps(statements))


def _our_path(ll_path: str) -> str:
    path = "$"
    for part in ll_path.split(".")[1:]:
        path += f"[{part}]" if part.isdigit() else "." + part
    return path


INVALID_1_0_3 = [
    (name, mutation, expected) for name, v, mutation, expected in CASES if v == "1.0.3"
]
VALID_1_0_3 = [(name, mutation) for name, v, mutation in VALID if v == "1.0.3"]


def test_learning_locker_accepts_what_we_accept() -> None:
    verdicts = _verdicts([bent(mutation) for _, mutation in VALID_1_0_3])
    rejected = {name for (name, _), warnings in zip(VALID_1_0_3, verdicts, strict=True) if warnings}
    assert rejected == set(LL_REJECTS_VALID)


def test_learning_locker_rejects_what_we_reject_except_where_we_are_stricter() -> None:
    verdicts = _verdicts([bent(mutation) for _, mutation, _ in INVALID_1_0_3])
    accepted = {name for (name, _, _), w in zip(INVALID_1_0_3, verdicts, strict=True) if not w}
    assert accepted == set(STRICTER_THAN_LL)


def test_where_both_reject_the_paths_agree() -> None:
    verdicts = _verdicts([bent(mutation) for _, mutation, _ in INVALID_1_0_3])
    for (name, _, expected), warnings in zip(INVALID_1_0_3, verdicts, strict=True):
        if not warnings:
            continue
        ours = {path for path, _ in expected}
        theirs = {_our_path(p) for p in warnings}
        related = any(o.startswith(t) or t.startswith(o) for o in ours for t in theirs)
        assert related, (name, ours, theirs)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(statements("1.0.3"), min_size=10, max_size=10))
def test_learning_locker_accepts_generated_valid_statements(batch: list[dict[str, Any]]) -> None:
    assert all(validate(s).ok for s in batch)
    assert _verdicts(batch) == [[] for _ in batch]
