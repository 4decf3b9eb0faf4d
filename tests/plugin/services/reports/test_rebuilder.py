"""``Rebuilder`` without an LRS: every template's example becomes the record it
states, and a void removes its statement whether it arrives before or after it
(the rebuilder keeps what each statement adds, not the statement)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from plugin.models.people import Role
from plugin.models.records import ParticipantRole, RecordKind
from plugin.services.reports.from_lrs import Directory, Rebuilder
from plugin.services.reports.rows import Roster
from statements.builders import BuildOptions, StatementVoided, registry, statement_voided
from statements.builders.registry import EXPERIENCED, LEADER, LEARNER, LND

BASE = "https://leaderled.test/xapi"
OPTIONS = BuildOptions(base=BASE)
PEOPLE = {LEADER.key(): 1, LEARNER.key(): 2, EXPERIENCED.key(): 3, LND.key(): 4}


def _rebuilder() -> Rebuilder:
    roster = Roster(tuple((p, 10, Role.LEADER) for p in PEOPLE.values()), (10,))
    return Rebuilder(Directory(PEOPLE, roster), BASE)


def _example(slug: str) -> dict[str, Any]:
    return dict(registry.REGISTRY[slug].example_statement(OPTIONS))


def _void(statement: dict[str, Any]) -> dict[str, Any]:
    event = StatementVoided(LEADER, statement["id"], datetime(2026, 11, 24, tzinfo=UTC))
    return dict(statement_voided(event, OPTIONS, statement_id=uuid.uuid4()))


def test_each_example_makes_its_record() -> None:
    rebuilder = _rebuilder()
    for statement in registry.examples(OPTIONS):
        if statement["object"].get("objectType") != "StatementRef":
            rebuilder.add(statement)
    records, formal, _ = rebuilder.rows()
    assert len(records) == len({r.kind for r in records}) == 12  # every kind, once
    assert formal == []
    assert rebuilder.parts == []  # applied once, then dropped
    session = next(r for r in records if r.kind is RecordKind.KNOWLEDGE_SESSION)
    assert (session.owner, session.team) == (1, 10)
    assert (session.topic, session.value) == ("products", "customer-first")
    learner, new, experienced = (
        ParticipantRole.LEARNER,
        ParticipantRole.NEW_TRAINER,
        ParticipantRole.EXPERIENCED_TRAINER,
    )
    assert {r.kind: r.people for r in records if r.people} == {
        RecordKind.KNOWLEDGE_SESSION: ((2, ParticipantRole.ATTENDEE),),
        RecordKind.MENTORING_SESSION: ((2, learner),),
        RecordKind.COACHING_MOMENT: ((2, learner),),
        RecordKind.TTT_SESSION: ((3, experienced), (1, new)),
        RecordKind.TRAINER_PAIRING: ((1, new), (3, experienced)),
        RecordKind.FEEDBACK: ((1, new),),
    }
    rating = next(r for r in records if r.kind is RecordKind.CONFIRMATION)
    assert (rating.rating, rating.owner) == (5, 2)


@pytest.mark.parametrize("void_first", [False, True])
def test_a_void_removes_its_statement_in_either_order(void_first: bool) -> None:
    taught = _example("knowledge-session-taught")
    goal = _example("goal-set")
    rebuilder = _rebuilder()
    batch = [_void(taught), taught, goal] if void_first else [taught, goal, _void(taught)]
    for statement in batch:
        rebuilder.add(statement)
    records, _, _ = rebuilder.rows()
    assert [r.kind for r in records] == [RecordKind.GOAL_SET]
