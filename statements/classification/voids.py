"""Voiding statements: which statement ids a batch of pulled statements voids.

A void is a statement with verb ``voided`` whose object is a ``StatementRef``
(xAPI 1.0.3 / 2.0, section on voided statements); the voided statement stops
being a record. The sync applies these before it upserts formal records.
Statement ids are UUIDs, which compare case-insensitively, so ids come back
lower-case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from statements.classification.verbs import VOIDED, canonical_verb


def voided_statement_id(statement: Mapping[str, Any]) -> str | None:
    """The id ``statement`` voids, or ``None`` when it is not a voiding statement."""
    verb = statement.get("verb") if isinstance(statement, Mapping) else None
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str) or canonical_verb(verb_id) != VOIDED:
        return None
    target = statement.get("object")
    if not isinstance(target, dict) or target.get("objectType") != "StatementRef":
        return None
    target_id = target.get("id")
    return target_id.lower() if isinstance(target_id, str) and target_id else None


def voided_ids(statements: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every statement id voided by a statement in ``statements``."""
    voided: set[str] = set()
    for statement in statements:
        target = voided_statement_id(statement)
        if target is not None:
            voided.add(target)
    return voided
