"""Each template's builder and a fully populated example input (for ``examples``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Generic, Protocol, TypeVar

from statements.builders.common import (
    DEFAULT_OPTIONS,
    BuildOptions,
    CompanyValue,
    Rating,
    Statement,
    Text,
    with_content_id,
)
from statements.builders.confirmation import (
    SessionConfirmed,
    SessionRated,
    SessionRef,
    session_confirmed,
    session_rated,
)
from statements.builders.expectations import (
    ExpectationsAcknowledged,
    Goal,
    GoalEvent,
    expectations_acknowledged,
    goal_met,
    goal_set,
)
from statements.builders.knowledge import (
    KnowledgeSession,
    SessionTaught,
    knowledge_session_attended,
    knowledge_session_taught,
)
from statements.builders.material import Material, MaterialEvent, material_event
from statements.builders.mentoring import MentoringMoment, mentoring_moment
from statements.builders.trainers import (
    FeedbackGiven,
    TrainerPairingAssigned,
    TrainTheTrainerAttended,
    feedback_given,
    train_the_trainer_attended,
    trainer_pairing_assigned,
)
from statements.builders.voiding import StatementVoided, statement_voided
from statements.identity import Identity
from statements.template_specs import TEMPLATES, template_iri

E = TypeVar("E")
E_contra = TypeVar("E_contra", contravariant=True)


class Builder(Protocol[E_contra]):
    def __call__(
        self,
        event: E_contra,
        options: BuildOptions = ...,
        *,
        statement_id: uuid.UUID | str | None = None,
    ) -> Statement: ...


@dataclass(frozen=True)
class Entry(Generic[E]):
    """A template's builder with an example input (or one made for the build options).

    Example statements take their id from their content (:func:`content_id`):
    the 1.0.3 and 2.0.0 sets, or sets for two bases, never share an id with
    other content, and any of them can be sent to one LRS again and again.
    """

    slug: str
    build: Builder[E]
    example: E | Callable[[BuildOptions], E]

    def example_event(self, options: BuildOptions = DEFAULT_OPTIONS) -> E:
        if callable(self.example):
            made: E = self.example(options)
            return made
        return self.example

    def example_statement(self, options: BuildOptions = DEFAULT_OPTIONS) -> Statement:
        return with_content_id(self.build(self.example_event(options), options))


_MOODLE = "https://moodle.example.org"
_SITE = "https://leaderled.example.org"
_CET = timezone(timedelta(hours=1))
_AT = datetime(2026, 11, 23, 9, 30, 0, 250000, tzinfo=_CET)

LEADER = Identity.account(_MOODLE, "17", display="Sanne de Vries")
LEARNER = Identity.account(_MOODLE, "42", display="Ahmed Yilmaz")
COLLEAGUE = Identity.mbox("pieter.jansen@example.org", display="Pieter Jansen")
EXPERIENCED = Identity.account(_MOODLE, "5", display="Marleen Bakker")
LND = Identity.account(_MOODLE, "2", display="L&D team")

_VALUE = CompanyValue(f"{_SITE}/values/customer-first", Text("Customer first", "Klant eerst"))
_SESSION = KnowledgeSession(
    f"{_SITE}/sessions/7f0c",
    Text("How our new savings product works", "Hoe ons nieuwe spaarproduct werkt"),
    "products",
    _VALUE,
)
_MATERIAL = Material(
    f"{_SITE}/materials/31", Text("Product sheet", "Productblad"), "training-material"
)
_RELATIONSHIP = uuid.UUID("6f1e0d52-8c5b-4b8a-9a4e-0c7f2d9b1a11")
_PAIRING = uuid.UUID("0b7d6c1e-2f3a-4d5b-8e9f-1a2b3c4d5e6f")
_GOAL = Goal(
    f"{_SITE}/goals/12",
    Text("Run my first knowledge session", "Mijn eerste kennissessie geven"),
    date(2027, 1, 31),
)


def _voided_example(options: BuildOptions) -> StatementVoided:
    """Voids the knowledge-session-taught example written for the same options."""
    taught = REGISTRY["knowledge-session-taught"].example_statement(options)
    return StatementVoided(LEADER, uuid.UUID(taught["id"]), _AT)


_ENTRIES: tuple[Entry[Any], ...] = (
    Entry(
        "knowledge-session-taught",
        knowledge_session_taught,
        SessionTaught(
            LEADER, _SESSION, _AT, timedelta(minutes=45), (LEARNER, COLLEAGUE), (_MATERIAL,)
        ),
    ),
    Entry(
        "knowledge-session-attended",
        knowledge_session_attended,
        SessionTaught(LEADER, _SESSION, _AT, timedelta(minutes=45), (LEARNER,)).attendances()[0],
    ),
    Entry(
        "mentoring-session-held",
        mentoring_moment,
        MentoringMoment(
            "mentoring",
            LEADER,
            LEARNER,
            f"{_SITE}/moments/88",
            Text("Monthly mentoring talk", "Maandelijks mentorgesprek"),
            _RELATIONSHIP,
            _AT,
            timedelta(minutes=30),
            notes="Talked about the move to team lead.",
        ),
    ),
    Entry(
        "coaching-moment-given",
        mentoring_moment,
        MentoringMoment(
            "coaching",
            LEADER,
            LEARNER,
            f"{_SITE}/moments/89",
            Text("Feedback after the client call", "Feedback na het klantgesprek"),
            _RELATIONSHIP,
            _AT,
            timedelta(minutes=10),
            topic="services",
            company_value=_VALUE,
        ),
    ),
    Entry(
        "train-the-trainer-attended",
        train_the_trainer_attended,
        TrainTheTrainerAttended(
            LEADER,
            EXPERIENCED,
            f"{_SITE}/ttt/3",
            Text("Giving a session that sticks", "Een sessie geven die blijft hangen"),
            _AT,
            timedelta(hours=2),
            _PAIRING,
        ),
    ),
    Entry(
        "trainer-pairing-assigned",
        trainer_pairing_assigned,
        TrainerPairingAssigned(
            LND,
            LEADER,
            EXPERIENCED,
            f"{_SITE}/pairings/9",
            Text("Sanne with Marleen", "Sanne met Marleen"),
            _PAIRING,
            _AT,
        ),
    ),
    Entry(
        "feedback-given",
        feedback_given,
        FeedbackGiven(EXPERIENCED, LEADER, _SESSION, Rating(4), _AT, _PAIRING, "Clear, but slow"),
    ),
    Entry(
        "material-used",
        material_event,
        MaterialEvent("used", LEADER, _MATERIAL, _AT, _VALUE),
    ),
    Entry(
        "material-shared",
        material_event,
        MaterialEvent(
            "shared",
            LEADER,
            Material(
                f"{_SITE}/materials/32",
                Text("Coaching guide", "Coachingswijzer"),
                "coaching-guideline",
            ),
            _AT,
            _VALUE,
        ),
    ),
    Entry(
        "expectations-acknowledged",
        expectations_acknowledged,
        ExpectationsAcknowledged(
            LEADER,
            f"{_SITE}/expectations/leader",
            Text("What we expect of leaders", "Wat we van leidinggevenden verwachten"),
            "leader",
            _AT,
        ),
    ),
    Entry("goal-set", goal_set, GoalEvent(LEARNER, _GOAL, _AT, LEADER, _RELATIONSHIP)),
    Entry("goal-met", goal_met, GoalEvent(LEARNER, _GOAL, _AT, LEADER, _RELATIONSHIP)),
    Entry(
        "session-confirmed",
        session_confirmed,
        SessionConfirmed(
            LEARNER, LEADER, SessionRef(_SESSION.id, _SESSION.title, "knowledge-session"), _AT
        ),
    ),
    Entry(
        "session-rated",
        session_rated,
        SessionRated(
            LEARNER,
            LEADER,
            SessionRef(f"{_SITE}/moments/88", Text("Monthly mentoring talk"), "mentoring-session"),
            Rating(5),
            _AT,
            comment="Very useful",
        ),
    ),
    Entry("statement-voided", statement_voided, _voided_example),
)

REGISTRY: Mapping[str, Entry[Any]] = {entry.slug: entry for entry in _ENTRIES}
assert set(REGISTRY) == {spec.slug for spec in TEMPLATES}, "every template needs a builder"


def by_template_id(base: str) -> dict[str, Entry[Any]]:
    """The registry keyed by template IRI for ``base``."""
    return {template_iri(slug, base): entry for slug, entry in REGISTRY.items()}


def examples(options: BuildOptions = DEFAULT_OPTIONS) -> list[Statement]:
    """One fully populated example statement per template, in profile order."""
    return [REGISTRY[spec.slug].example_statement(options) for spec in TEMPLATES]
