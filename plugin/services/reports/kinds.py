"""Which records count for which figure, and each kind's 70-20-10 mode.

The mode of a record kind is the learning mode of the statement template that
carries it to the learner (:mod:`statements.template_specs`), so the local
figures and the figures from the LRS (which classifies by the same templates)
cannot drift apart. Pulled formal records are the 10.
"""

from __future__ import annotations

from typing import Final

from plugin.models.records import ParticipantRole, RecordKind
from plugin.services.reports.figures import Mode
from statements.template_specs import TEMPLATES

#: Kinds in which a leader teaches someone: "leaders who teach", reach.
TEACHING_KINDS: Final = (
    RecordKind.KNOWLEDGE_SESSION,
    RecordKind.COACHING_MOMENT,
    RecordKind.MENTORING_SESSION,
)
COACHING_KINDS: Final = (RecordKind.COACHING_MOMENT, RecordKind.MENTORING_SESSION)
#: Kinds a leader records (teaching hours); confirmations are the learners'.
LEADER_KINDS: Final = tuple(k for k in RecordKind if k is not RecordKind.CONFIRMATION)
#: People who learn in a record when they take part in it.
LEARNING_ROLES: Final = (
    ParticipantRole.ATTENDEE,
    ParticipantRole.LEARNER,
    ParticipantRole.NEW_TRAINER,
)

#: The statement template that says what the learner learned, per kind; the
#: learner is a participant (a learning role) of these kinds ...
_LEARNER_TEMPLATES: Final = {
    RecordKind.KNOWLEDGE_SESSION: "knowledge-session-attended",
    RecordKind.COACHING_MOMENT: "coaching-moment-given",
    RecordKind.MENTORING_SESSION: "mentoring-session-held",
    RecordKind.TTT_SESSION: "train-the-trainer-attended",
    RecordKind.TRAINER_PAIRING: "trainer-pairing-assigned",
    RecordKind.FEEDBACK: "feedback-given",
}
#: ... and the person who recorded it of these.
_SELF_TEMPLATES: Final = {
    RecordKind.MATERIAL_USED: "material-used",
    RecordKind.EXPECTATION_ACKNOWLEDGED: "expectations-acknowledged",
    RecordKind.GOAL_SET: "goal-set",
    RecordKind.GOAL_MET: "goal-met",
}
_MODES: Final = {spec.slug: Mode(spec.learning_mode) for spec in TEMPLATES}

#: Kinds whose participants in a learning role are the learners (for the mix).
PARTICIPANT_LEARNING: Final = tuple(_LEARNER_TEMPLATES)
#: Kinds whose recorder is the learner (for the mix).
SELF_LEARNING: Final = tuple(_SELF_TEMPLATES)
#: The 70-20-10 mode of each kind that counts towards the mix. Not confirmations:
#: they confirm a record that already counts. Not material shared: its statement
#: does not name who received it, so the LRS could not count it per learner and
#: the two sources would disagree; the leader's own material used does count.
KIND_MODE: Final[dict[RecordKind, Mode]] = {
    kind: _MODES[slug] for kind, slug in {**_LEARNER_TEMPLATES, **_SELF_TEMPLATES}.items()
}
