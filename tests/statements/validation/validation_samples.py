"""Statements the validation tests start from, and a tiny way to bend them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Statement = dict[str, Any]
Mutation = Callable[[Statement], Any]
DELETE = object()

SESSION = "https://leaderled.example.org/sessions/7"
PROFILE = "https://leaderled.example.org/profile/v1"
STATEMENT_ID = "2a0f1a5e-2f0e-4c54-9d7e-43f1b9b6a001"
OTHER_ID = "7b3c6a9e-1d2f-4e5a-8b9c-0d1e2f3a4b5c"


def valid_statement() -> Statement:
    """A fully populated 1.0.3 statement that validates clean."""
    return {
        "id": STATEMENT_ID,
        "actor": {
            "objectType": "Agent",
            "name": "Ada Learner",
            "account": {"homePage": "https://moodle.example.org", "name": "1042"},
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/attended",
            "display": {"en": "attended", "nl": "heeft bijgewoond"},
        },
        "object": {
            "objectType": "Activity",
            "id": SESSION,
            "definition": {
                "name": {"en": "Knowledge session", "nl": "Kennissessie"},
                "description": {"en": "Our distribution channels"},
                "type": "http://adlnet.gov/expapi/activities/meeting",
                "moreInfo": "https://leaderled.example.org/sessions/7/info",
                "extensions": {"https://leaderled.example.org/profile/ext/topic": "channels"},
            },
        },
        "result": {
            "score": {"scaled": 0.8, "raw": 4, "min": 0, "max": 5},
            "success": True,
            "completion": True,
            "response": "Clear",
            "duration": "PT1H30M",
        },
        "context": {
            "registration": OTHER_ID,
            "instructor": {"objectType": "Agent", "mbox": "mailto:lead@example.org"},
            "contextActivities": {
                "parent": [{"id": "https://moodle.example.org/course/42"}],
                "category": [{"id": PROFILE}],
            },
            "platform": "Leaderled",
            "language": "nl-NL",
            "extensions": {"https://leaderled.example.org/profile/ext/attendees": 12},
        },
        "timestamp": "2024-05-01T09:30:00.000+02:00",
        "version": "1.0.3",
    }


def with_(*changes: tuple[tuple[Any, ...], Any]) -> Mutation:
    """Set (or with DELETE remove) values at key paths, creating objects on the way."""

    def apply(statement: Statement) -> None:
        for keys, value in changes:
            target: Any = statement
            for key in keys[:-1]:
                if isinstance(target, dict) and key not in target:
                    target[key] = {}
                target = target[key]
            if value is DELETE:
                del target[keys[-1]]
            else:
                target[keys[-1]] = copy.deepcopy(value)

    return apply


def bent(mutation: Mutation) -> Statement:
    statement = valid_statement()
    mutation(statement)
    return statement


def activity_with(definition: dict[str, Any]) -> Mutation:
    return with_((("object", "definition"), definition))


def interaction(kind: str, patterns: list[Any], **components: Any) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": kind,
        "correctResponsesPattern": patterns,
    }
    for key, ids in components.items():
        definition[key] = [{"id": i, "description": {"en": i.upper()}} for i in ids]
    return definition


def sub_statement(**extra: Any) -> dict[str, Any]:
    sub: dict[str, Any] = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:trainer@example.org"},
        "verb": {"id": "http://leaderled.example.org/verbs/will-teach"},
        "object": {"id": SESSION},
    }
    sub.update(extra)
    return sub
