"""Validator throughput: our strict validator vs Ralph's pydantic xAPI models.

Both check the same realistic statements (ours: leader-led sessions, mentoring,
interactions, attachments, groups) in one run; the figure that matters is the
ratio, so machine speed cancels out. ``python -m bench validator``.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench._size import size
from statements.validation import iri, language, validate

ROUNDS = size(7, 1)
REPEAT = size(400, 10)


def _agent(n: int) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": f"Learner {n}",
        "account": {"homePage": "https://moodle.example.org", "name": str(1000 + n)},
    }


def _base(n: int) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=n * 7919 + 1, version=4)),
        "actor": _agent(n),
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/attended",
            "display": {"en": "attended", "nl": "heeft bijgewoond"},
        },
        "object": {
            "objectType": "Activity",
            "id": f"https://leaderled.example.org/sessions/{n}",
            "definition": {
                "name": {"en": "Knowledge session: distribution channels", "nl": "Kennissessie"},
                "description": {"en": "A leader explains our distribution channels."},
                "type": "http://adlnet.gov/expapi/activities/meeting",
                "extensions": {"https://leaderled.example.org/profile/ext/topic": "channels"},
            },
        },
        "result": {"completion": True, "duration": "PT1H30M"},
        "context": {
            "registration": str(uuid.UUID(int=n * 104729 + 3, version=4)),
            "instructor": {
                "objectType": "Agent",
                "name": "Team lead",
                "mbox": "mailto:lead@example.org",
            },
            "contextActivities": {
                "category": [{"id": "https://leaderled.example.org/profile/v1"}],
                "parent": [{"id": "https://moodle.example.org/course/42"}],
            },
            "language": "nl-NL",
            "platform": "Leaderled",
            "extensions": {"https://leaderled.example.org/profile/ext/attendees": 12},
        },
        "timestamp": "2024-05-01T09:30:00.000+02:00",
        "version": "1.0.3",
    }


def _rated(n: int) -> dict[str, Any]:
    statement = _base(n)
    statement["verb"] = {"id": "http://id.tincanapi.com/verb/rated", "display": {"en": "rated"}}
    statement["result"] = {
        "score": {"raw": 4, "min": 1, "max": 5, "scaled": 0.75},
        "response": "Clear and practical",
    }
    return statement


def _interaction(n: int) -> dict[str, Any]:
    statement = _base(n)
    statement["verb"] = {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en": "a"}}
    statement["object"]["definition"] = {
        "name": {"en": "Which channel fits?"},
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": "choice",
        "correctResponsesPattern": ["broker[,]online"],
        "choices": [
            {"id": "broker", "description": {"en": "Broker"}},
            {"id": "online", "description": {"en": "Online"}},
            {"id": "branch", "description": {"en": "Branch"}},
        ],
    }
    statement["result"] = {"response": "broker[,]online", "success": True}
    return statement


def _group_with_attachment(n: int) -> dict[str, Any]:
    statement = _base(n)
    statement["actor"] = {
        "objectType": "Group",
        "name": "Sales team",
        "member": [_agent(n), _agent(n + 1), _agent(n + 2)],
    }
    statement["attachments"] = [
        {
            "usageType": "http://id.tincanapi.com/attachment/supporting_media",
            "display": {"en": "Slides"},
            "contentType": "application/pdf",
            "length": 123456,
            "sha2": "a" * 64,
            "fileUrl": "https://files.example.org/slides.pdf",
        }
    ]
    return statement


def _void(n: int) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=n * 31 + 5, version=4)),
        "actor": _agent(n),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en": "voided"}},
        "object": {"objectType": "StatementRef", "id": str(uuid.UUID(int=n, version=4))},
        "timestamp": "2024-05-02T10:00:00.000Z",
    }


def sample() -> list[dict[str, Any]]:
    """A mixed set: hand-made shapes (groups, interactions, attachments, voiding) and
    every example our builders make, for 1.0.3."""
    from statements.builders import BuildOptions, examples

    makers = (_base, _rated, _interaction, _group_with_attachment, _void)
    hand = [makers[n % len(makers)](n) for n in range(REPEAT // 2)]
    built = examples(BuildOptions(base="https://leaderled.example.org/xapi", xapi_version="1.0.3"))
    return hand + [copy.deepcopy(built[n % len(built)]) for n in range(REPEAT // 2)]


def _seconds(check: Callable[[dict[str, Any]], object], statements: list[dict[str, Any]]) -> float:
    """One timed pass over fresh copies, with our caches cold."""
    batch = copy.deepcopy(statements)
    iri.clear_cache()
    language.clear_cache()
    start = time.perf_counter()
    for statement in batch:
        check(statement)
    return time.perf_counter() - start


def main() -> None:
    from ralph.models.xapi.base.statements import BaseXapiStatement

    statements = sample()
    for statement in statements:
        assert validate(statement).ok, validate(statement).errors
        BaseXapiStatement.model_validate(statement)
    # Rounds interleave the two so a busy machine slows both alike; best of each counts.
    ours_best = ralph_best = float("inf")
    for _ in range(ROUNDS):
        ours_best = min(ours_best, _seconds(validate, statements))
        ralph_best = min(ralph_best, _seconds(BaseXapiStatement.model_validate, statements))
    ours, ralph = len(statements) / ours_best, len(statements) / ralph_best
    print(
        f"statements: {len(statements)} (hand-made shapes + builder examples), "
        f"best of {ROUNDS} rounds"
    )
    print(f"ralph BaseXapiStatement.model_validate: {ralph:10.0f} statements/s (baseline 1.00x)")
    print(
        f"statements.validation.validate:         {ours:10.0f} statements/s ({ours / ralph:.2f}x)"
    )


if __name__ == "__main__":
    main()
