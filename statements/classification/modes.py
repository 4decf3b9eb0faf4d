"""Learning modes of the 70-20-10 model, and how a statement maps to one.

70-20-10: about 70 % of learning happens on the job (experiential), 20 % from
others (social), 10 % in formal courses. Formal records pulled from the LRS are
the 10. A leader-led statement is 20 when a person learns from another person
(knowledge session, mentoring, coaching, train-the-trainer, feedback, a
learner's confirmation or rating of a session), and 70 when it records
learning while working (goals set and met, training material used or shared,
role expectations acknowledged).

The mapping is data: the activity type decides first (it names what happened),
the verb second; IRIs we mint ourselves are matched on their last path segment,
exactly first and then by keyword, so a new minted concept lands in a sensible
mode until it is added here.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Final

from statements.classification.verbs import ACTIVITY_STREAMS, ADL, TINCAN


class LearningMode(StrEnum):
    FORMAL = "formal"
    SOCIAL = "social"
    EXPERIENTIAL = "experiential"


REFERENCE_SHARE: Final[dict[LearningMode, int]] = {
    LearningMode.EXPERIENTIAL: 70,
    LearningMode.SOCIAL: 20,
    LearningMode.FORMAL: 10,
}
"""The model's percentages, for reports that set a team's mix against it."""

_S, _E = LearningMode.SOCIAL, LearningMode.EXPERIENTIAL

MODE_BY_TYPE: Final[dict[str, LearningMode]] = {
    "http://adlnet.gov/expapi/activities/meeting": _S,  # knowledge session
    "http://id.tincanapi.com/activitytype/tutor-session": _S,  # mentoring
    "http://id.tincanapi.com/activitytype/document": _E,  # training material
    "http://id.tincanapi.com/activitytype/goal": _E,
}
"""Existing activity types we use (DESIGN section 4) -> mode."""

MODE_BY_VERB: Final[dict[str, LearningMode]] = {
    ADL + "attended": _S,
    ADL + "commented": _S,
    TINCAN + "mentored": _S,
    TINCAN + "reviewed": _S,
    TINCAN + "rated": _S,
    ACTIVITY_STREAMS + "assign": _S,  # trainer pairing
    ADL + "shared": _E,
    TINCAN + "viewed": _E,
    ADL + "completed": _E,  # goal met
}
"""Existing verbs we use (canonical IRIs) -> mode, when the type did not decide."""

MODE_BY_MINTED_NAME: Final[dict[str, LearningMode]] = {
    **dict.fromkeys(
        (
            "taught",
            "facilitated",
            "coached",
            "gave-feedback",
            "feedback",
            "confirmed",
            "coaching-moment",
            "mentoring-session",
            "knowledge-session",
            "train-the-trainer",
            "train-the-trainer-session",
            "trainer-pairing",
        ),
        _S,
    ),
    **dict.fromkeys(
        (
            "acknowledged",
            "set",
            "met",
            "used",
            "goal",
            "material",
            "training-material",
            "coaching-guideline",
            "expectation",
            "role-expectation",
            "role-expectations",
        ),
        _E,
    ),
}
"""Last path segment of an IRI minted under our profile base -> mode."""

# Keyword fallback for minted names not listed above; experiential first, so
# "coaching-guideline" (material) is not taken for coaching.
_KEYWORDS: Final = (
    (("goal", "material", "expectation", "guideline", "guide", "document", "resource"), _E),
    (("coach", "mentor", "feedback", "train", "teach", "taught", "session", "facilitat"), _S),
)


@lru_cache(maxsize=4096)
def minted_mode(iri: str, base: str) -> LearningMode | None:
    """The mode of an IRI minted under ``base``, or ``None`` if it is not ours or unknown."""
    if not iri.startswith(base + "/"):
        return None
    name = iri.rstrip("/").replace("#", "/").rsplit("/", 1)[-1].lower()
    mode = MODE_BY_MINTED_NAME.get(name)
    if mode is not None:
        return mode
    for keywords, keyword_mode in _KEYWORDS:
        if any(keyword in name for keyword in keywords):
            return keyword_mode
    return None


def leader_led_mode(verb: str | None, activity_type: str | None, base: str) -> LearningMode:
    """Mode of one of our statements; social when nothing more specific is known,
    because leader-led learning is, first of all, learning from a leader."""
    if activity_type is not None:
        mode = MODE_BY_TYPE.get(activity_type) or minted_mode(activity_type, base)
        if mode is not None:
            return mode
    if verb is not None:
        mode = MODE_BY_VERB.get(verb) or minted_mode(verb, base)
        if mode is not None:
            return mode
    return _S
