"""Classification of statements pulled from an LRS: formal, leader-led or other.

``classify(statement)`` says where a statement comes from (cmi5, SCORM
profile, Moodle's log store, TLA, ours), whether it is an attempt, an
achievement, participation or a void, its 70-20-10 learning mode, and the
facts the sync stores (actor, course, score, success, completion, duration).
``voided_ids(batch)`` gives the statement ids a batch voids.
"""

from statements.classification.classify import (
    Classification,
    Kind,
    Origin,
    Score,
    Source,
    classify,
)
from statements.classification.duration import duration_seconds
from statements.classification.modes import REFERENCE_SHARE, LearningMode
from statements.classification.verbs import canonical_verb
from statements.classification.voids import voided_ids, voided_statement_id

__all__ = [
    "REFERENCE_SHARE",
    "Classification",
    "Kind",
    "LearningMode",
    "Origin",
    "Score",
    "Source",
    "canonical_verb",
    "classify",
    "duration_seconds",
    "voided_ids",
    "voided_statement_id",
]
