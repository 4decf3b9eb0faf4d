"""``classify`` as it was before it was written out for speed (main at 690dfa9),
kept as the oracle test_classification_equivalence.py holds the fast one to:
same statement, same :class:`Classification`. A deliberate change of the rules
is made in both (or this copy and its test retired); nothing else imports it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final

from statements.classification import activities as act
from statements.classification.classify import (
    Classification,
    Kind,
    Origin,
    Score,
    Source,
)
from statements.classification.duration import duration_seconds
from statements.classification.modes import LearningMode, leader_led_mode
from statements.classification.verbs import (
    ATTENDED,
    IMPLIED_COMPLETION,
    IMPLIED_SUCCESS,
    TLA,
    VERB_KINDS,
    VerbKind,
    canonical_verb,
)
from statements.classification.voids import voided_statement_id
from statements.identity import Identity
from statements.vocabulary import DEFAULT_PROFILE_BASE, PROFILE_PATH, normalise_base

_EMPTY: Final[Mapping[str, Any]] = MappingProxyType({})
_NAME_LANGUAGES: Final = ("en", "en-US", "en-GB")


def _mapping(value: object) -> Mapping[str, Any]:
    """``value`` if it is a JSON object; decoded JSON objects are dicts, and checking for
    ``dict`` rather than the ``Mapping`` ABC keeps this cheap on every statement."""
    return value if isinstance(value, dict) else _EMPTY


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        return None
    return number if math.isfinite(number) else None


def _activities(context_activities: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """A context activities list; xAPI 1.0 also allowed a single object there."""
    value = context_activities.get(key)
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    if isinstance(value, dict):
        return [value]
    return []


def _type_of(activity: Mapping[str, Any]) -> str | None:
    return _text(_mapping(activity.get("definition")).get("type"))


def _name_of(definition: Mapping[str, Any]) -> str | None:
    names = _mapping(definition.get("name"))
    for language in _NAME_LANGUAGES:
        name = _text(names.get(language))
        if name is not None:
            return name
    return next((value for value in names.values() if isinstance(value, str) and value), None)


def _score(value: object) -> Score | None:
    raw = _mapping(value)
    if not raw:
        return None
    score = Score(
        _number(raw.get("scaled")),
        _number(raw.get("raw")),
        _number(raw.get("min")),
        _number(raw.get("max")),
    )
    return None if score == Score() else score


@lru_cache(maxsize=64)
def _our_prefixes(base: str) -> tuple[str, str, str, str]:
    """Normalised base, profile IRI, version IRI prefix, minted IRI prefix."""
    clean = normalise_base(base)
    profile = clean + PROFILE_PATH
    return clean, profile, profile + "/", clean + "/"


def _is_ours(
    category_ids: set[str], verb_id: str | None, activity_type: str | None, base: str
) -> bool:
    _, profile, versions, minted = _our_prefixes(base)
    if profile in category_ids or any(c.startswith(versions) for c in category_ids):
        return True
    return (verb_id is not None and verb_id.startswith(minted)) or (
        activity_type is not None and activity_type.startswith(minted)
    )


def _is_moodle(
    context: Mapping[str, Any], category_ids: set[str], extensions: Mapping[str, Any]
) -> bool:
    if category_ids & act.MOODLE_SOURCES:
        return True
    platform = context.get("platform")
    if isinstance(platform, str) and platform.strip().lower() == act.MOODLE_PLATFORM:
        return True
    info = _mapping(extensions.get(act.MOODLE_INFO_EXTENSION))
    return any(key in info for key in act.MOODLE_SOURCES)


def _source(
    *,
    ours: bool,
    category_ids: set[str],
    extensions: Mapping[str, Any],
    context: Mapping[str, Any],
    verb: str | None,
) -> Source:
    if ours:
        return Source.LEADERLED
    if act.CMI5_CATEGORY in category_ids or act.CMI5_SESSION_EXTENSION in extensions:
        return Source.CMI5
    scorm_versions = act.SCORM_PROFILE + "/"
    if act.SCORM_PROFILE in category_ids or any(c.startswith(scorm_versions) for c in category_ids):
        return Source.SCORM
    if _is_moodle(context, category_ids, extensions):
        return Source.MOODLE
    if verb is not None and verb.startswith(TLA):
        return Source.TLA
    return Source.UNKNOWN


def _kind(
    *,
    verb: str | None,
    source: Source,
    voids: str | None,
    success: bool | None,
    completion: bool | None,
    course_like: bool,
    cmi5_allowed: bool,
) -> Kind:
    verb_kind = VERB_KINDS.get(verb) if verb is not None else None
    if verb_kind is VerbKind.VOID:
        return Kind.VOID if voids is not None else Kind.OTHER
    outcome = completion is True or success is not None
    if verb_kind is VerbKind.OUTCOME:
        if cmi5_allowed:
            return Kind.ATTEMPT
        implies = verb in IMPLIED_SUCCESS or verb in IMPLIED_COMPLETION
        return Kind.ACHIEVEMENT if outcome or not implies else Kind.ATTEMPT
    if verb_kind is VerbKind.PARTICIPATION:
        return Kind.PARTICIPATION
    if outcome and course_like and not cmi5_allowed:
        return Kind.ACHIEVEMENT
    if verb_kind is VerbKind.ATTEMPT:
        return Kind.ATTEMPT
    return Kind.PARTICIPATION if source is Source.LEADERLED else Kind.OTHER


def _origin(*, source: Source, kind: Kind, verb: str | None, course_like: bool) -> Origin:
    if source is Source.LEADERLED:
        return Origin.LEADER_LED
    if kind is Kind.VOID:
        return Origin.OTHER
    if source is Source.CMI5 or source is Source.SCORM:
        return Origin.FORMAL
    if source is Source.MOODLE:
        formal = (
            kind is Kind.ACHIEVEMENT or (kind is Kind.ATTEMPT and course_like) or verb == ATTENDED
        )
        return Origin.FORMAL if formal else Origin.OTHER
    if kind is Kind.ACHIEVEMENT and (course_like or source is Source.TLA):
        return Origin.FORMAL
    return Origin.OTHER


def _course_id(
    target_id: str | None, target_type: str | None, context_activities: Mapping[str, Any]
) -> str | None:
    if target_id is not None and target_type in act.COURSE_TYPES:
        return target_id
    for key in ("parent", "grouping"):
        for activity in _activities(context_activities, key):
            if _type_of(activity) in act.COURSE_TYPES:
                activity_id = _text(activity.get("id"))
                if activity_id is not None:
                    return activity_id
    return None


def _target_activity(
    target: Mapping[str, Any], context_activities: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The activity a statement is about: its object, or, when the object is a person
    (a mentoring session's learner), the parent activity that names the session."""
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        return target
    if object_type in ("Agent", "Group"):
        parents = _activities(context_activities, "parent")
        if parents:
            return parents[0]
    return _EMPTY


def _actor(value: object) -> Identity | None:
    actor = _mapping(value)
    if not actor or actor.get("objectType") == "Group":
        return None
    return Identity.from_actor(actor if isinstance(actor, dict) else dict(actor))


def classify(
    statement: Mapping[str, Any], *, profile_base: str = DEFAULT_PROFILE_BASE
) -> Classification:
    """Classify one statement as an LRS returned it (see the module docstring).

    ``profile_base`` is our configured profile base; a base that is not an
    absolute http(s) IRI is a configuration error and raises ``ValueError``.
    """
    if not isinstance(statement, dict):
        statement = dict(statement) if isinstance(statement, Mapping) else _EMPTY
    verb_id = _text(_mapping(statement.get("verb")).get("id"))
    verb = canonical_verb(verb_id) if verb_id is not None else None

    context = _mapping(statement.get("context"))
    context_activities = _mapping(context.get("contextActivities"))
    target = _target_activity(_mapping(statement.get("object")), context_activities)
    target_id = _text(target.get("id"))
    definition = _mapping(target.get("definition")) if target_id is not None else _EMPTY
    target_type = _text(definition.get("type"))
    course_like = target_type in act.COURSE_LIKE_TYPES

    category_ids = {
        item_id
        for item in _activities(context_activities, "category")
        if (item_id := _text(item.get("id"))) is not None
    }
    extensions = _mapping(context.get("extensions"))
    result = _mapping(statement.get("result"))

    ours = _is_ours(category_ids, verb_id, target_type, profile_base)
    source = _source(
        ours=ours, category_ids=category_ids, extensions=extensions, context=context, verb=verb
    )
    cmi5_allowed = source is Source.CMI5 and act.CMI5_CATEGORY not in category_ids
    success = _flag(result.get("success"))
    if success is None and verb is not None:
        success = IMPLIED_SUCCESS.get(verb)
    completion = _flag(result.get("completion"))
    if completion is None and verb is not None:
        completion = IMPLIED_COMPLETION.get(verb)
    voids = voided_statement_id(statement)

    kind = _kind(
        verb=verb,
        source=source,
        voids=voids,
        success=success,
        completion=completion,
        course_like=course_like,
        cmi5_allowed=cmi5_allowed,
    )
    origin = _origin(source=source, kind=kind, verb=verb, course_like=course_like)
    if origin is Origin.FORMAL:
        mode: LearningMode | None = LearningMode.FORMAL
    elif origin is Origin.LEADER_LED and kind is not Kind.VOID:
        mode = leader_led_mode(verb, target_type, extensions, _our_prefixes(profile_base)[0])
    else:
        mode = None

    statement_id = _text(statement.get("id"))
    return Classification(
        origin=origin,
        source=source,
        kind=kind,
        learning_mode=mode,
        verb=verb,
        statement_id=statement_id.lower() if statement_id is not None else None,
        voids=voids,
        actor=_actor(statement.get("actor")),
        activity_id=target_id,
        activity_type=target_type,
        activity_name=_name_of(definition),
        course_id=_course_id(target_id, target_type, context_activities),
        registration=_text(context.get("registration")),
        timestamp=_text(statement.get("timestamp")),
        success=success,
        completion=completion,
        score=_score(result.get("score")),
        duration_seconds=duration_seconds(result.get("duration")),
        cmi5_allowed=cmi5_allowed,
    )
