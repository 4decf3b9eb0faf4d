"""Tell a statement pulled from an LRS apart: formal, leader-led or other, and what it records.

The sync classifies every statement it pulls (hundreds of thousands), so this
is dictionary and set look-ups over the statement as the LRS sent it; nothing
here raises on a JSON object, however odd: unknown shapes come out as
``other`` / ``unknown``.

Rules, in order (the tables live in :mod:`.verbs`, :mod:`.activities` and
:mod:`.modes`):

* source: ours (our profile IRI or a version IRI below it in
  ``contextActivities.category``, or a verb or activity type minted under our
  profile base), then cmi5 (its category, or its session id extension, which
  "cmi5 allowed" statements carry too), the SCORM profile (its category),
  Moodle's log store (its source activity, info extension or platform), TLA
  (verb under ``https://w3id.org/xapi/tla/verbs/``), else unknown.
* kind: ``result.success`` / ``result.completion`` win over what the verb
  implies. An outcome verb (completed, passed, failed, satisfied, waived,
  achieved ...) is an achievement unless the result contradicts it (completed
  with ``completion: false`` and no success is an attempt); an outcome in a
  "cmi5 allowed" statement is progress inside an AU, an attempt. Any other
  verb with a recorded outcome on a course-like activity is an achievement.
  Our own statements are participation unless their verb says otherwise.
* origin: ours are leader-led; cmi5 and SCORM statements are formal; Moodle
  statements are formal when they record an achievement, an attempt on a
  course-like activity or attendance; anything else is formal only as an
  achievement on a course-like activity or a TLA achievement. Voids are
  never records.
* outcome: of the formal statements, only achievements, scored attempts and
  attendance are records a person sees (:attr:`Classification.is_outcome`);
  attempt starts and session ends with a duration matter to reports (attempts,
  time spent); other steps (launched, experienced, progressed ...) to nobody.
* learning mode: formal -> 10; ours -> the mode the statement declares, else
  its template's (:func:`.modes.leader_led_mode`); anything else and voids
  none (they do not count towards the mix).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final

from statements.classification import activities as act
from statements.classification.duration import duration_seconds
from statements.classification.modes import LearningMode, leader_led_mode
from statements.classification.verbs import (
    ATTEMPT_STARTS,
    ATTENDED,
    IMPLIED_COMPLETION,
    IMPLIED_SUCCESS,
    SESSION_ENDS,
    TLA,
    VERB_KINDS,
    VOIDED,
    VerbKind,
    canonical_verb,
)
from statements.classification.voids import voided_statement_id
from statements.identity import Identity
from statements.vocabulary import DEFAULT_PROFILE_BASE, PROFILE_PATH, normalise_base


class Origin(StrEnum):
    FORMAL = "formal"
    LEADER_LED = "leader_led"
    OTHER = "other"


class Source(StrEnum):
    CMI5 = "cmi5"
    SCORM = "scorm"
    MOODLE = "moodle"
    TLA = "tla"
    LEADERLED = "leaderled"
    UNKNOWN = "unknown"


class Kind(StrEnum):
    ATTEMPT = "attempt"
    ACHIEVEMENT = "achievement"  # an outcome was decided: see success / completion
    PARTICIPATION = "participation"
    VOID = "void"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Score:
    scaled: float | None = None
    raw: float | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True, slots=True)
class Classification:
    """What one pulled statement is; ids of statements are lower-cased UUID strings."""

    origin: Origin
    source: Source
    kind: Kind
    learning_mode: LearningMode | None
    verb: str | None  # canonical IRI: aliases folded to one
    statement_id: str | None = None
    voids: str | None = None  # the statement id this statement voids
    actor: Identity | None = None
    activity_id: str | None = None  # the object, or the parent session if the object is a person
    activity_type: str | None = None
    activity_name: str | None = None
    course_id: str | None = None  # the course-typed activity among object, parent, grouping
    registration: str | None = None
    timestamp: str | None = None
    success: bool | None = None
    completion: bool | None = None
    score: Score | None = None
    duration_seconds: float | None = None
    cmi5_allowed: bool = False  # a cmi5 statement without the cmi5 category

    @property
    def is_void(self) -> bool:
        return self.voids is not None

    @property
    def is_formal_completion(self) -> bool:
        """Counts as a formal completion (DESIGN section 11)."""
        return (
            self.origin is Origin.FORMAL
            and self.kind is Kind.ACHIEVEMENT
            and self.completion is True
        )

    @property
    def is_outcome(self) -> bool:
        """A formal record a person and L&D see (DESIGN section 5): an achievement
        (completed, passed, failed, satisfied, waived, achieved ...), a scored
        attempt, or attendance. Launches, page views and the other steps of a
        session are not records, however formal their source."""
        if self.origin is not Origin.FORMAL:
            return False
        if self.kind is Kind.ACHIEVEMENT or self.verb == ATTENDED:
            return True
        return self.kind is Kind.ATTEMPT and self.score is not None and not self.cmi5_allowed

    @property
    def starts_attempt(self) -> bool:
        """A formal statement that opens an attempt: reports count attempts with it."""
        return self.origin is Origin.FORMAL and self.verb in ATTEMPT_STARTS

    @property
    def spent_time(self) -> bool:
        """A formal statement that closes a session with its time: reports sum time with it."""
        return (
            self.origin is Origin.FORMAL
            and self.verb in SESSION_ENDS
            and self.duration_seconds is not None
        )

    @property
    def is_formal_pass_or_fail(self) -> bool:
        """Counts towards the formal pass rate; ``success`` says which."""
        return (
            self.origin is Origin.FORMAL
            and self.kind is Kind.ACHIEVEMENT
            and self.success is not None
        )


_EMPTY: Final[Mapping[str, Any]] = MappingProxyType({})
_NAME_LANGUAGES: Final = ("en", "en-US", "en-GB")


def _mapping(value: object) -> Mapping[str, Any]:
    """``value`` if it is a JSON object; decoded JSON objects are dicts, and checking for
    ``dict`` rather than the ``Mapping`` ABC keeps this cheap on every statement."""
    return value if isinstance(value, dict) else _EMPTY


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


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
        items = context_activities.get(key)
        if isinstance(items, dict):
            items = (items,)
        elif not isinstance(items, list):
            continue
        for activity in items:
            if not isinstance(activity, dict):
                continue
            definition = activity.get("definition")
            kind = definition.get("type") if isinstance(definition, dict) else None
            if isinstance(kind, str) and kind in act.COURSE_TYPES:
                activity_id = activity.get("id")
                if isinstance(activity_id, str) and activity_id:
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


_SETTERS: Final = tuple(getattr(Classification, f.name).__set__ for f in fields(Classification))


def _classification(*values: Any) -> Classification:
    """A :class:`Classification` of every field in order, built by setting its slots
    directly: the frozen dataclass's ``__init__`` sets each of the 19 fields through
    ``object.__setattr__``, which was a tenth of classifying one statement. Same
    object, same equality and hash."""
    made: Classification = object.__new__(Classification)
    for setter, value in zip(_SETTERS, values, strict=True):
        setter(made, value)
    return made


def classify(
    statement: Mapping[str, Any], *, profile_base: str = DEFAULT_PROFILE_BASE
) -> Classification:
    """Classify one statement as an LRS returned it (see the module docstring).

    ``profile_base`` is our configured profile base; a base that is not an
    absolute http(s) IRI is a configuration error and raises ``ValueError``.
    """
    # Written out rather than through the small helpers above: this runs on every
    # pulled statement, and the calls cost more than the look-ups. Same rules;
    # tests/statements/test_classification_equivalence.py holds it to the original.
    if not isinstance(statement, dict):
        statement = dict(statement) if isinstance(statement, Mapping) else _EMPTY
    get = statement.get
    value = get("verb")
    verb_id = value.get("id") if isinstance(value, dict) else None
    if isinstance(verb_id, str) and verb_id:
        verb: str | None = canonical_verb(verb_id)
    else:
        verb_id = verb = None

    value = get("context")
    context = value if isinstance(value, dict) else _EMPTY
    value = context.get("contextActivities")
    context_activities = value if isinstance(value, dict) else _EMPTY
    value = get("object")
    target = _target_activity(value if isinstance(value, dict) else _EMPTY, context_activities)
    target_id = target.get("id")
    if isinstance(target_id, str) and target_id:
        value = target.get("definition")
        definition = value if isinstance(value, dict) else _EMPTY
    else:
        target_id, definition = None, _EMPTY
    target_type = definition.get("type")
    if not (isinstance(target_type, str) and target_type):
        target_type = None
    course_like = target_type in act.COURSE_LIKE_TYPES

    categories = context_activities.get("category")
    if isinstance(categories, dict):
        categories = (categories,)
    elif not isinstance(categories, list):
        categories = ()
    category_ids = {
        item_id
        for item in categories
        if isinstance(item, dict) and isinstance(item_id := item.get("id"), str) and item_id
    }
    value = context.get("extensions")
    extensions = value if isinstance(value, dict) else _EMPTY
    value = get("result")
    result = value if isinstance(value, dict) else _EMPTY

    clean_base, profile, versions, minted = _our_prefixes(profile_base)
    ours = profile in category_ids
    if not ours:
        for category_id in category_ids:
            if category_id.startswith(versions):
                ours = True
                break
        else:
            ours = (verb_id is not None and verb_id.startswith(minted)) or (
                target_type is not None and target_type.startswith(minted)
            )
    if ours:
        source = Source.LEADERLED
        cmi5_allowed = False
    else:
        source = _source(
            ours=False,
            category_ids=category_ids,
            extensions=extensions,
            context=context,
            verb=verb,
        )
        cmi5_allowed = source is Source.CMI5 and act.CMI5_CATEGORY not in category_ids
    success = result.get("success")
    if not isinstance(success, bool):
        success = IMPLIED_SUCCESS.get(verb) if verb is not None else None
    completion = result.get("completion")
    if not isinstance(completion, bool):
        completion = IMPLIED_COMPLETION.get(verb) if verb is not None else None
    # Only a statement whose verb is ``voided`` voids anything.
    voids = voided_statement_id(statement) if verb == VOIDED else None

    kind = _kind(
        verb=verb,
        source=source,
        voids=voids,
        success=success,
        completion=completion,
        course_like=course_like,
        cmi5_allowed=cmi5_allowed,
    )
    if ours:
        origin = Origin.LEADER_LED
    else:
        origin = _origin(source=source, kind=kind, verb=verb, course_like=course_like)
    if origin is Origin.FORMAL:
        mode: LearningMode | None = LearningMode.FORMAL
    elif origin is Origin.LEADER_LED and kind is not Kind.VOID:
        mode = leader_led_mode(verb, target_type, extensions, clean_base)
    else:
        mode = None

    statement_id = get("id")
    actor = get("actor")
    registration = context.get("registration")
    timestamp = get("timestamp")
    score = result.get("score")
    duration = result.get("duration")
    return _classification(
        origin,
        source,
        kind,
        mode,
        verb,
        statement_id.lower() if isinstance(statement_id, str) and statement_id else None,
        voids,
        (
            Identity.from_actor(actor)
            if isinstance(actor, dict) and actor and actor.get("objectType") != "Group"
            else None
        ),
        target_id,
        target_type,
        _name_of(definition) if definition else None,
        _course_id(target_id, target_type, context_activities),
        registration if isinstance(registration, str) and registration else None,
        timestamp if isinstance(timestamp, str) and timestamp else None,
        success,
        completion,
        _score(score) if isinstance(score, dict) and score else None,
        duration_seconds(duration) if duration is not None else None,
        cmi5_allowed,
    )
