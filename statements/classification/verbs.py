"""Verb IRIs as one concept each, and what each verb says happened.

The same verb reaches an LRS under several IRIs: Activity Streams as
``http://activitystrea.ms/<verb>`` and ``http://activitystrea.ms/schema/1.0/<verb>``;
ADL's verbs as ``http://adlnet.gov/expapi/verbs/<verb>`` and, for the ones cmi5
introduced, ``https://w3id.org/xapi/adl/verbs/<verb>`` (some tools write
either prefix for either set). :func:`canonical_verb` folds them to one IRI so
the tables below are keyed once.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Final

ADL: Final = "http://adlnet.gov/expapi/verbs/"
ADL_W3ID: Final = "https://w3id.org/xapi/adl/verbs/"
ACTIVITY_STREAMS: Final = "http://activitystrea.ms/schema/1.0/"
TLA: Final = "https://w3id.org/xapi/tla/verbs/"
TINCAN: Final = "http://id.tincanapi.com/verb/"

# ADL verbs published under w3id.org (cmi5 and the ADL vocabulary update);
# every other ADL verb's canonical form is the adlnet.gov one.
_W3ID_ADL_NAMES: Final = frozenset({"abandoned", "waived", "satisfied", "logged-in", "logged-out"})
# Longest prefix first: the short Activity Streams form is a prefix of the long one.
_ACTIVITY_STREAMS_PREFIXES: Final = (
    "http://activitystrea.ms/schema/1.0/",
    "https://activitystrea.ms/schema/1.0/",
    "http://activitystrea.ms/",
    "https://activitystrea.ms/",
)
# purl.org: the IRIs of cmi5's drafts, still sent by some older players.
_ADL_PREFIXES: Final = (ADL, ADL_W3ID, "http://purl.org/xapi/adl/verbs/")

VOIDED: Final = ADL + "voided"
ACHIEVED: Final = TLA + "achieved"
ATTENDED: Final = ADL + "attended"


class VerbKind(StrEnum):
    """What a verb on its own says a statement records."""

    OUTCOME = "outcome"  # a result was reached: completed, passed, failed, satisfied ...
    ATTEMPT = "attempt"  # a step of trying: launched, initialized, terminated ...
    PARTICIPATION = "participation"  # took part in or consumed something
    VOID = "void"


def _is_verb_name(name: str) -> bool:
    return bool(name) and "/" not in name and "#" not in name and "?" not in name


@lru_cache(maxsize=4096)
def canonical_verb(iri: str) -> str:
    """The one IRI standing for ``iri``'s concept (``iri`` itself when it has no alias)."""
    for prefix in _ACTIVITY_STREAMS_PREFIXES:
        if iri.startswith(prefix):
            name = iri[len(prefix) :]
            return ACTIVITY_STREAMS + name if _is_verb_name(name) else iri
    for prefix in _ADL_PREFIXES:
        if iri.startswith(prefix):
            name = iri[len(prefix) :]
            if not _is_verb_name(name):
                return iri
            return (ADL_W3ID if name in _W3ID_ADL_NAMES else ADL) + name
    return iri


def _table(kind: VerbKind, *iris: str) -> dict[str, VerbKind]:
    return dict.fromkeys(iris, kind)


VERB_KINDS: Final[dict[str, VerbKind]] = {
    **_table(
        VerbKind.OUTCOME,
        ADL + "completed",
        ADL + "passed",
        ADL + "failed",
        ADL + "mastered",
        ADL_W3ID + "satisfied",
        ADL_W3ID + "waived",
        ACHIEVED,
        TINCAN + "earned",
        ACTIVITY_STREAMS + "complete",
    ),
    **_table(
        VerbKind.ATTEMPT,
        ADL + "launched",
        ADL + "initialized",
        ADL + "attempted",
        ADL + "terminated",
        ADL + "suspended",
        ADL + "resumed",
        ADL + "exited",
        ADL + "progressed",
        ADL + "scored",
        ADL + "answered",
        ADL + "interacted",
        ADL_W3ID + "abandoned",
    ),
    **_table(
        VerbKind.PARTICIPATION,
        ATTENDED,
        ADL + "experienced",
        TINCAN + "viewed",
        TINCAN + "mentored",
        ACTIVITY_STREAMS + "watch",
        "https://w3id.org/xapi/acrossx/verbs/watched",
    ),
    VOIDED: VerbKind.VOID,
}
"""Canonical verb IRI -> what it records. Verbs not listed say nothing on their own."""

ATTEMPT_STARTS: Final = frozenset({ADL + "initialized", ADL + "attempted"})
"""Verbs that open one attempt (cmi5 and SCORM AUs send ``initialized``; the LMS's
``launched`` before it would count the same attempt twice)."""

SESSION_ENDS: Final = frozenset(
    {ADL + "terminated", ADL + "suspended", ADL + "exited", ADL_W3ID + "abandoned"}
)
"""Verbs that close a session; cmi5 and SCORM put the session's whole time in their
``result.duration``, so reports count time from these rather than from each step."""

IMPLIED_SUCCESS: Final[dict[str, bool]] = {
    ADL + "passed": True,
    ADL + "mastered": True,
    ADL + "failed": False,
}
"""``result.success`` a verb implies when the statement has none of its own."""

IMPLIED_COMPLETION: Final[dict[str, bool]] = {
    ADL + "completed": True,
    ADL_W3ID + "satisfied": True,  # cmi5: the moveOn criteria are met
    ADL_W3ID + "waived": True,  # cmi5: requirements met by other means
    ACTIVITY_STREAMS + "complete": True,
}
"""``result.completion`` a verb implies when the statement has none of its own."""
