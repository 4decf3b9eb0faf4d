"""Builders: one domain event in, one xAPI statement (a JSON-ready dict) out.

One module per tip of the seed article; ``registry`` maps each template to
its builder and an example input.
"""

from __future__ import annotations

from statements.builders.common import (
    DEFAULT_OPTIONS,
    XAPI_VERSIONS,
    BuildOptions,
    Category,
    CompanyValue,
    Rating,
    Statement,
    Text,
    Topic,
    XapiVersion,
    canonical_json,
    content_id,
    format_duration,
    format_timestamp,
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
    SessionAttended,
    SessionTaught,
    knowledge_session_attended,
    knowledge_session_taught,
)
from statements.builders.material import Material, MaterialEvent, material_event
from statements.builders.mentoring import MentoringMoment, mentoring_moment
from statements.builders.registry import REGISTRY, Entry, by_template_id, examples
from statements.builders.trainers import (
    FeedbackGiven,
    TrainerPairingAssigned,
    TrainTheTrainerAttended,
    feedback_given,
    train_the_trainer_attended,
    trainer_pairing_assigned,
)
from statements.builders.voiding import StatementVoided, statement_voided

__all__ = [
    "DEFAULT_OPTIONS",
    "REGISTRY",
    "XAPI_VERSIONS",
    "BuildOptions",
    "Category",
    "CompanyValue",
    "Entry",
    "ExpectationsAcknowledged",
    "FeedbackGiven",
    "Goal",
    "GoalEvent",
    "KnowledgeSession",
    "Material",
    "MaterialEvent",
    "MentoringMoment",
    "Rating",
    "SessionAttended",
    "SessionConfirmed",
    "SessionRated",
    "SessionRef",
    "SessionTaught",
    "Statement",
    "StatementVoided",
    "Text",
    "Topic",
    "TrainTheTrainerAttended",
    "TrainerPairingAssigned",
    "XapiVersion",
    "by_template_id",
    "canonical_json",
    "content_id",
    "examples",
    "expectations_acknowledged",
    "feedback_given",
    "format_duration",
    "format_timestamp",
    "goal_met",
    "goal_set",
    "knowledge_session_attended",
    "knowledge_session_taught",
    "material_event",
    "mentoring_moment",
    "session_confirmed",
    "session_rated",
    "statement_voided",
    "train_the_trainer_attended",
    "trainer_pairing_assigned",
    "with_content_id",
]
