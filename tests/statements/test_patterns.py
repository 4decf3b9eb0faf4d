"""The primary patterns accept what leaders really record, in order, and nothing
else; every statement we build follows one within its registration (xAPI
Profiles, structure section 9, Learning Record Providers)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from statements.builders import (
    BuildOptions,
    FeedbackGiven,
    Goal,
    GoalEvent,
    KnowledgeSession,
    MentoringMoment,
    Rating,
    Text,
    TrainerPairingAssigned,
    TrainTheTrainerAttended,
    feedback_given,
    goal_met,
    goal_set,
    mentoring_moment,
    train_the_trainer_attended,
    trainer_pairing_assigned,
)
from statements.builders.common import own_registration
from statements.builders.registry import EXPERIENCED, LEADER, LEARNER, LND, REGISTRY, examples
from statements.patterns import follows
from statements.profile import build_profile
from statements.template_specs import pattern_iri
from statements.vocabulary import DEFAULT_PROFILE_BASE

PROFILE = build_profile(DEFAULT_PROFILE_BASE)
START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
SITE = "https://leaderled.example.org"


def _at(day: int) -> datetime:
    return START + timedelta(days=day)


def _moment(kind: str, day: int, relationship: uuid.UUID) -> dict[str, Any]:
    event = MentoringMoment(
        kind,  # type: ignore[arg-type]
        LEADER,
        LEARNER,
        f"{SITE}/moments/{day}",
        Text("Talk"),
        relationship,
        _at(day),
        timedelta(minutes=20),
    )
    return mentoring_moment(event)


def _relationship() -> list[dict[str, Any]]:
    relation = uuid.uuid4()
    goal = Goal(f"{SITE}/goals/1", Text("Lead a session"))
    return [
        _moment("coaching", 0, relation),
        goal_set(GoalEvent(LEARNER, goal, _at(1), LEADER, relation)),
        _moment("mentoring", 5, relation),
        _moment("coaching", 9, relation),
        goal_met(GoalEvent(LEARNER, goal, _at(30), LEADER, relation)),
    ]


def _pairing() -> list[dict[str, Any]]:
    pairing = uuid.uuid4()
    session = KnowledgeSession(f"{SITE}/sessions/4", Text("Channels"), "distribution-channels")
    return [
        trainer_pairing_assigned(
            TrainerPairingAssigned(
                LND, LEADER, EXPERIENCED, f"{SITE}/pairings/1", Text("Pair"), pairing, _at(0)
            )
        ),
        train_the_trainer_attended(
            TrainTheTrainerAttended(
                LEADER,
                EXPERIENCED,
                f"{SITE}/ttt/1",
                Text("TTT"),
                _at(2),
                timedelta(hours=3),
                pairing,
            )
        ),
        feedback_given(FeedbackGiven(EXPERIENCED, LEADER, session, Rating(3), _at(9), pairing)),
    ]


def test_a_mentoring_relationship_follows_its_pattern_in_any_order_of_steps() -> None:
    statements = _relationship()
    assert follows(statements, PROFILE) == pattern_iri("mentoring-relationship")
    assert follows(list(reversed(statements)), PROFILE) == pattern_iri("mentoring-relationship")


def test_a_trainer_pairing_follows_its_pattern() -> None:
    assert follows(_pairing(), PROFILE) == pattern_iri("trainer-pairing")
    assert follows(_pairing()[:1], PROFILE) == pattern_iri("trainer-pairing")


def test_a_pairing_must_start_with_its_assignment() -> None:
    statements = _pairing()
    statements[0]["timestamp"] = "2026-12-01T00:00:00.000Z"  # assignment now comes last
    assert follows(statements, PROFILE) is None


def test_mentoring_inside_a_pairing_follows_no_pattern() -> None:
    pairing = _pairing()
    registration = pairing[0]["context"]["registration"]
    stray = _moment("coaching", 3, uuid.UUID(registration))
    assert follows([*pairing, stray], PROFILE) is None


def test_statements_of_different_registrations_follow_nothing() -> None:
    assert follows(_relationship()[:2] + _relationship()[2:], PROFILE) is None


def test_a_statement_breaking_its_template_breaks_the_pattern() -> None:
    statements = _relationship()
    del statements[2]["result"]["duration"]
    assert follows(statements, PROFILE) is None


def test_every_example_statement_follows_a_primary_pattern_within_its_registration() -> None:
    """A statement on its own follows its pattern alone; the others share the
    registration of a mentoring relationship or trainer pairing, whose
    sequences the tests above play through."""
    own = pattern_iri("statement-on-its-own")
    shared = set()
    for statement in examples():
        registration = statement["context"]["registration"]
        if registration == str(own_registration(statement["id"])):
            assert follows([statement], PROFILE) == own, statement["verb"]["id"]
        else:
            shared.add(statement["verb"]["id"].rsplit("/", 1)[-1])
    assert shared == {
        "mentored",
        "coached",
        "set",
        "completed",
        "assign",
        "attended",
        "gave-feedback",
    }


def test_a_statement_on_its_own_follows_its_pattern_and_two_do_not() -> None:
    taught = REGISTRY["knowledge-session-taught"].example_statement(BuildOptions())
    assert follows([taught], PROFILE) == pattern_iri("statement-on-its-own")
    second = {**taught, "id": str(uuid.uuid4())}  # the same registration, twice
    assert follows([taught, second], PROFILE) is None
