"""Learning modes of the 70-20-10 model, and how one of our statements maps to one.

70-20-10: about 70 % of learning happens on the job (experiential), 20 % from
others (social), 10 % in formal training. Formal records pulled from the LRS
are the 10. For our own statements the mapping is the data in
:mod:`statements.template_specs` (``TemplateSpec.learning_mode``), one source
of truth shared with the builders and the profile:

* a statement says its mode in our learning-mode context extension, and that
  wins, as ``result.success`` wins over a verb;
* without it (hand-written, or from an older release) the statement's verb and
  activity type (the object's, or the parent session's when the object is a
  person) pick the template, and the template's mode applies;
* a verb that fits one template only decides on its own;
* anything else of ours is social: leader-led learning is learning from a leader.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache
from typing import Any, Final

from statements import vocabulary
from statements.template_specs import TEMPLATES


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

_BY_VALUE: Final = {mode.value: mode for mode in LearningMode}


class _ModeTable:
    """Template modes for one profile base: by (verb, activity type), and by verb alone."""

    def __init__(self, base: str) -> None:
        pairs: dict[tuple[str, str | None], LearningMode] = {}
        by_verb: dict[str, set[LearningMode]] = {}
        for spec in TEMPLATES:
            if spec.object_kind == "StatementRef":
                continue  # a void records no learning
            mode = _BY_VALUE[spec.learning_mode]
            verb = spec.verb.iri(base)
            types = [spec.object_type, spec.parent_type, *spec.object_types_any]
            for term in filter(None, types):
                pairs[(verb, term.iri(base))] = mode
            by_verb.setdefault(verb, set()).add(mode)
        self.pairs = pairs
        self.by_verb = {verb: modes.pop() for verb, modes in by_verb.items() if len(modes) == 1}
        self.extension = vocabulary.LEARNING_MODE.iri(base)


@lru_cache(maxsize=16)
def _table(base: str) -> _ModeTable:
    return _ModeTable(base)


def leader_led_mode(
    verb: str | None,
    activity_type: str | None,
    extensions: Mapping[str, Any],
    base: str,
) -> LearningMode:
    """The 70-20-10 mode of one of our statements (see the module docstring)."""
    table = _table(base)
    declared = extensions.get(table.extension)
    if isinstance(declared, str) and declared in _BY_VALUE:
        return _BY_VALUE[declared]
    if verb is not None:
        mode = table.pairs.get((verb, activity_type)) or table.by_verb.get(verb)
        if mode is not None:
            return mode
    return LearningMode.SOCIAL
