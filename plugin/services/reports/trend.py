"""The 70-20-10 mix period by period: the report page's line over time.

The line shows only the organisation's hours per mode, so each earlier period
is counted by kind (and the formal records by person, whose whole seconds add
up to the organisation's), never folded into per-person and per-team rows:
six periods of a whole organisation cost six small GROUP BYs per source
rather than six reports' mixes. The scope (teams, kinds) is the one
``scope_for`` already authorised; only the period changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from plugin.models.records import LeaderLedRecord, RecordParticipant
from plugin.services.reports.figures import MixFigures, Mode
from plugin.services.reports.kinds import (
    KIND_MODE,
    LEARNING_ROLES,
    PARTICIPANT_LEARNING,
    SELF_LEARNING,
)
from plugin.services.reports.passes import (
    KIND_BY_NAME,
    core_rows,
    formal_pass,
    records_where,
    roomy_sorts,
)
from plugin.services.reports.scope import ReportPeriod, Scope

R = LeaderLedRecord
P = RecordParticipant
_MODES = (Mode.EXPERIENTIAL, Mode.SOCIAL, Mode.FORMAL)


def organisation_mix(session: Session, scope: Scope) -> MixFigures:
    """The mix of everyone in ``scope``: ``compute(...).mix.organisation``."""
    counts = dict.fromkeys(_MODES, 0)
    seconds = dict.fromkeys(_MODES, 0)
    seconds_of = func.coalesce(func.sum(R.duration_seconds), 0)
    kind = type_coerce(R.kind, String)
    learners = (
        select(kind, func.count(), seconds_of)
        .join(P, P.record_id == R.id)
        .where(*records_where(scope, PARTICIPANT_LEARNING), P.role.in_(LEARNING_ROLES))
        .group_by(R.kind)
    )
    own = (
        select(kind, func.count(), seconds_of)
        .where(*records_where(scope, SELF_LEARNING))
        .group_by(R.kind)
    )
    for query in (learners, own):
        for name, n, s in core_rows(session, query):
            mode = KIND_MODE[KIND_BY_NAME[name]]
            counts[mode] += n
            seconds[mode] += int(s)
    for person in formal_pass(session, scope).values():
        counts[Mode.FORMAL] += person.outcomes
        seconds[Mode.FORMAL] += person.seconds
    return MixFigures(
        counts[Mode.EXPERIENTIAL],
        counts[Mode.SOCIAL],
        counts[Mode.FORMAL],
        seconds[Mode.EXPERIENTIAL],
        seconds[Mode.SOCIAL],
        seconds[Mode.FORMAL],
    )


def mix_by_period(
    session: Session, scope: Scope, periods: Sequence[ReportPeriod]
) -> list[MixFigures]:
    """The organisation's mix for ``scope``'s teams and kinds in each of ``periods``."""
    roomy_sorts(session)
    return [
        organisation_mix(session, Scope(period, scope.team_ids, scope.kinds)) for period in periods
    ]
