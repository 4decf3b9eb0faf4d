"""The report figures from the local database: aggregate SQL over records and
the formal records the sync pulled, never an LRS call (issue 11).

Every query is a GROUP BY over an indexed range (``occurred_at`` or the
formal record's ``timestamp``) narrowed by team; Python only folds the
grouped rows (a few per kind, team or person) into the figures.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from plugin.i18n import _
from plugin.models.catalogue import CompanyValue
from plugin.models.formal import FormalRecord
from plugin.models.people import Membership, Role, Team
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
    RecordState,
    RecordStatement,
    StatementRole,
)
from plugin.services.errors import Invalid
from plugin.services.reports.collector import collector_paused
from plugin.services.reports.figures import (
    DrillRow,
    Expectations,
    FormalTeam,
    Goals,
    Indicator,
    Indicators,
    KindHours,
    LeaderRating,
    LeaderReach,
    LeadersTeaching,
    MemberCoaching,
    Mix,
    MixFigures,
    MixRow,
    Mode,
    Ratings,
    Reach,
    TopicSessions,
    TrainTheTrainer,
    ValueSessions,
)
from plugin.services.reports.kinds import (
    COACHING_KINDS,
    KIND_MODE,
    LEADER_KINDS,
    LEARNING_ROLES,
    PARTICIPANT_LEARNING,
    SELF_LEARNING,
    TEACHING_KINDS,
)
from plugin.services.reports.passes import (
    FormalSums,
    ParticipationRow,
    RecordGroup,
    aware,
    formal_pass,
    formal_where,
    kinds_in,
    memberships,
    participations_pass,
    records_pass,
    records_where,
    report_settings,
)
from plugin.services.reports.scope import Scope

R = LeaderLedRecord
P = RecordParticipant
F = FormalRecord

# Sets of kinds, for the tens of thousands of membership tests in folding.
_TEACHING = frozenset(TEACHING_KINDS)
_SELF_LEARNING = frozenset(SELF_LEARNING)

# The drill-down below narrows by the same rules as the passes.
_aware = aware
_kinds = kinds_in
_records = records_where
_formal = formal_where


def _members(scope: Scope, role: Role | None = None) -> Select[tuple[int]]:
    """Person ids with a membership (of ``role``) in the scope's teams."""
    query = select(Membership.person_id)
    if role is not None:
        query = query.where(Membership.role == role)
    if scope.team_ids is not None:
        query = query.where(Membership.team_id.in_(scope.team_ids))
    return query


# -- the indicators, folded from the passes ----------------------------------------


def _leaders_teaching(
    session: Session, scope: Scope, groups: Sequence[RecordGroup]
) -> LeadersTeaching:
    leaders = set(session.scalars(_members(scope, Role.LEADER)))
    teaching = {g.leader_id for g in groups if g.kind in _TEACHING and g.leader_id in leaders}
    return LeadersTeaching(len(leaders), len(teaching))


def _hours_by_kind(groups: Sequence[RecordGroup]) -> tuple[KindHours, ...]:
    sums: dict[RecordKind, list[int]] = defaultdict(lambda: [0, 0])
    for g in groups:
        sums[g.kind][0] += g.records
        sums[g.kind][1] += g.seconds
    found = [KindHours(kind, n, s) for kind, (n, s) in sums.items()]
    return tuple(sorted(found, key=lambda row: row.kind.value))


def _expectations_and_goals(groups: Sequence[RecordGroup]) -> tuple[Expectations, Goals]:
    counts: dict[RecordKind, int] = defaultdict(int)
    acknowledging: set[int] = set()
    for g in groups:
        counts[g.kind] += g.records
        if g.kind is RecordKind.EXPECTATION_ACKNOWLEDGED:
            acknowledging.add(g.leader_id)
    return (
        Expectations(counts[RecordKind.EXPECTATION_ACKNOWLEDGED], len(acknowledging)),
        Goals(counts[RecordKind.GOAL_SET], counts[RecordKind.GOAL_MET]),
    )


#: Where each mode's count sits in a row of sums (its seconds sit 3 further),
#: in the order of ``MixFigures``' fields.
_SLOT = {Mode.EXPERIENTIAL: 0, Mode.SOCIAL: 1, Mode.FORMAL: 2}
_KIND_SLOT = {kind: _SLOT[mode] for kind, mode in KIND_MODE.items()}
# The same by the names the participations pass returns.
_SLOT_BY_NAME = {kind.name: slot for kind, slot in _KIND_SLOT.items()}
_TEACHING_NAMES = frozenset(kind.name for kind in TEACHING_KINDS)
_COACHING_NAMES = frozenset(kind.name for kind in COACHING_KINDS)
_LEARNER = ParticipantRole.LEARNER.name
# fold_learners looks for coaching among the teaching kinds only.
assert _COACHING_NAMES <= _TEACHING_NAMES


@dataclass
class Learners:
    """The participations pass folded once for reach, coaching and the mix."""

    #: Everyone taught, and who each leader taught.
    taught: set[int] = field(default_factory=set)
    by_leader: dict[int, set[int]] = field(default_factory=dict)
    #: (learner, team) -> [coaching and mentoring sessions, the last one].
    coached: dict[tuple[int, int], list[Any]] = field(default_factory=dict)
    #: (learner, team or None) -> the mix's six sums (``MixFigures``' fields);
    #: ``_mix_from`` adds the recorders' own learning to them (once per report).
    by_pair: dict[tuple[int, int | None], list[int]] = field(default_factory=dict)


def fold_learners(rows: Iterable[ParticipationRow]) -> Learners:
    """One loop over the (tens of thousands of) grouped participations."""
    folded = Learners()
    taught, by_leader, coached, by_pair = (
        folded.taught,
        folded.by_leader,
        folded.coached,
        folded.by_pair,
    )
    for person_id, leader_id, team_id, kind, role, n, s, last in rows:
        if kind in _TEACHING_NAMES:
            taught.add(person_id)
            people = by_leader.get(leader_id)
            if people is None:
                people = by_leader[leader_id] = set()
            people.add(person_id)
            if kind in _COACHING_NAMES and role == _LEARNER and team_id is not None:
                found = coached.get((person_id, team_id))
                if found is None:
                    coached[(person_id, team_id)] = [n, last]
                else:
                    found[0] += n
                    if found[1] is None or (last is not None and last > found[1]):
                        found[1] = last
        slot = _SLOT_BY_NAME[kind]
        sums = by_pair.get((person_id, team_id))
        if sums is None:
            sums = by_pair[(person_id, team_id)] = [0, 0, 0, 0, 0, 0]
        sums[slot] += n
        sums[slot + 3] += s
    return folded


def _reach(learners: Learners) -> Reach:
    leaders = tuple(
        LeaderReach(lid, len(people)) for lid, people in sorted(learners.by_leader.items())
    )
    return Reach(len(learners.taught), leaders)


def _last_coaching_before(
    session: Session, scope: Scope, person_ids: set[int]
) -> dict[tuple[int, int], datetime]:
    """The last coaching or mentoring of each of ``person_ids`` (as a learner, per
    team) before the period starts: only asked for members with none in it."""
    if not person_ids:
        return {}
    query = (
        select(P.person_id, R.team_id, func.max(R.occurred_at))
        .join(P, P.record_id == R.id)
        .where(
            R.state == RecordState.ACTIVE,
            R.kind.in_(_kinds(scope, COACHING_KINDS)),
            R.occurred_at < scope.period.start,
            R.team_id.is_not(None),
            P.role == ParticipantRole.LEARNER,
        )
        .group_by(P.person_id, R.team_id)
    )
    if scope.team_ids is not None:
        query = query.where(R.team_id.in_(scope.team_ids))
    if len(person_ids) <= _FEW_PEOPLE:
        query = query.where(P.person_id.in_(sorted(person_ids)))
    found: dict[tuple[int, int], datetime] = {}
    for person_id, team_id, last in session.execute(query).tuples():
        moment = _aware(last)
        if moment is not None and team_id is not None and int(person_id) in person_ids:
            found[(int(person_id), int(team_id))] = moment
    return found


#: Up to this many people, the history before the period is looked up for them
#: alone (one IN list); more, and one grouped scan of all of it is cheaper. One
#: list, not chunks of 500: each chunk read the records before the period again
#: (591 people of an organisation's quarter were 2 x 14 ms on PostgreSQL). 2,000
#: ids and a scope's teams stay below SQLite's 32,766 variables (3.32 and
#: later); an older SQLite allows 999, so there fewer go in the list.
_FEW_PEOPLE = 2000 if sqlite3.sqlite_version_info >= (3, 32) else 400


def _coaching(
    session: Session, scope: Scope, learners: Learners, as_of: datetime
) -> tuple[MemberCoaching, ...]:
    members = select(Membership.person_id, Membership.team_id).where(
        Membership.role == Role.LEARNER
    )
    if scope.team_ids is not None:
        members = members.where(Membership.team_id.in_(scope.team_ids))
    found = learners.coached
    pairs = sorted(
        ((int(p), int(t)) for p, t in session.connection().execute(members).tuples()),
        key=lambda pair: (pair[1], pair[0]),
    )
    earlier = _last_coaching_before(session, scope, {p for p, t in pairs if (p, t) not in found})
    result = []
    for person_id, team_id in pairs:
        coaching = found.get((person_id, team_id))
        if coaching is None:
            sessions, last = 0, earlier.get((person_id, team_id))
        else:
            sessions, last = coaching[0], _aware(coaching[1])
        days = max((as_of - last).days, 0) if last is not None else None
        result.append(MemberCoaching(person_id, team_id, sessions, last, days))
    return tuple(result)


def _ratings(session: Session, scope: Scope) -> Ratings:
    rated = aliased(LeaderLedRecord)
    where = [
        *_records(scope, [RecordKind.CONFIRMATION], kind_filter=False),
        R.rating.is_not(None),
        # A rating of a session since deleted goes with it (the LRS has its voiding).
        rated.state == RecordState.ACTIVE,
    ]
    if scope.kinds is not None:
        where.append(rated.kind.in_(scope.kinds))
    rows = session.execute(
        select(rated.leader_id, R.rating, func.count())
        .join(rated, rated.id == R.parent_id)
        .where(*where)
        .group_by(rated.leader_id, R.rating)
    ).all()
    by_value = [0, 0, 0, 0, 0]
    leaders: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for leader_id, rating, count in rows:
        if 1 <= rating <= 5:
            by_value[rating - 1] += int(count)
        leaders[int(leader_id)][0] += int(count)
        leaders[int(leader_id)][1] += int(rating) * int(count)
    by_leader = tuple(LeaderRating(lid, n, total) for lid, (n, total) in sorted(leaders.items()))
    return Ratings(
        sum(r.ratings for r in by_leader),
        sum(r.total for r in by_leader),
        (by_value[0], by_value[1], by_value[2], by_value[3], by_value[4]),
        by_leader,
    )


def _ttt_people(session: Session, scope: Scope, kind: RecordKind) -> int:
    """Leaders in scope who were the new trainer in a ``kind`` record before the end."""
    if scope.kinds is not None and kind not in scope.kinds:
        return 0
    return int(
        session.scalar(
            select(func.count(func.distinct(P.person_id)))
            .join(R, R.id == P.record_id)
            .where(
                R.state == RecordState.ACTIVE,
                R.kind == kind,
                R.occurred_at < scope.period.end,
                P.role == ParticipantRole.NEW_TRAINER,
                P.person_id.in_(_members(scope, Role.LEADER)),
            )
        )
        or 0
    )


def _train_the_trainer(session: Session, scope: Scope, leaders: int) -> TrainTheTrainer:
    return TrainTheTrainer(
        leaders,
        _ttt_people(session, scope, RecordKind.TTT_SESSION),
        _ttt_people(session, scope, RecordKind.TRAINER_PAIRING),
        _ttt_people(session, scope, RecordKind.FEEDBACK),
    )


def _topics_and_values(
    session: Session, scope: Scope
) -> tuple[tuple[TopicSessions, ...], tuple[ValueSessions, ...]]:
    """Knowledge sessions by topic and by company value: one GROUP BY (topic,
    value) of the sessions and one of their attendees by topic."""
    where = _records(scope, [RecordKind.KNOWLEDGE_SESSION])
    groups = session.execute(
        select(
            R.topic,
            R.company_value_id,
            func.count(),
            func.coalesce(func.sum(R.duration_seconds), 0),
        )
        .where(*where)
        .group_by(R.topic, R.company_value_id)
    ).all()
    attendees = dict(
        session.execute(
            select(R.topic, func.count())
            .join(P, P.record_id == R.id)
            .where(*where, P.role == ParticipantRole.ATTENDEE)
            .group_by(R.topic)
        )
        .tuples()
        .all()
    )
    value_ids = {int(v) for _t, v, _n, _s in groups if v is not None}
    slugs = (
        dict(
            session.execute(
                select(CompanyValue.id, CompanyValue.slug).where(CompanyValue.id.in_(value_ids))
            )
            .tuples()
            .all()
        )
        if value_ids
        else {}
    )
    topics: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    values: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for topic, value_id, n, s in groups:
        for sums, key in ((topics, topic), (values, None if value_id is None else slugs[value_id])):
            sums[key][0] += int(n)
            sums[key][1] += int(s)
    return (
        tuple(
            sorted(
                (
                    TopicSessions(t, n, s, int(attendees.get(t) or 0))
                    for t, (n, s) in topics.items()
                ),
                key=lambda row: row.topic or "",
            )
        ),
        tuple(
            sorted(
                (ValueSessions(v, n, s) for v, (n, s) in values.items()),
                key=lambda row: row.value or "",
            )
        ),
    )


def _add(sums: dict[Any, list[int]], key: Any, row: Sequence[int]) -> None:
    found = sums.get(key)
    if found is None:
        sums[key] = list(row)
    else:  # written out: tens of thousands of calls
        found[0] += row[0]
        found[1] += row[1]
        found[2] += row[2]
        found[3] += row[3]
        found[4] += row[4]
        found[5] += row[5]


def _mix_row(slot: int, count: int, seconds: int) -> list[int]:
    """A row of the mix's six sums holding one mode's count and seconds."""
    row = [0, 0, 0, 0, 0, 0]
    row[slot], row[slot + 3] = count, seconds
    return row


def _mix_rows(sums: dict[int, list[int]]) -> tuple[MixRow, ...]:
    return tuple(MixRow(key, MixFigures(*sums[key])) for key in sorted(sums))


def _mix_from(
    groups: Sequence[RecordGroup],
    learners: Learners,
    formal: dict[int, FormalSums],
    team_people: Sequence[tuple[int, int]],
) -> Mix:
    """The 70-20-10 mix: learners in records, what people recorded of their own
    learning, and their formal records (a person's counting for each of their
    teams in scope). Summed first by (person, team) in flat rows of six (the
    order of ``MixFigures``' fields; the learners' part already so summed by
    ``fold_learners``, whose sums this adds to), then into people, teams and the
    organisation: a whole organisation is tens of thousands of grouped rows."""
    by_pair = learners.by_pair
    for leader_id, team_id, kind, n, s in groups:
        if kind in _SELF_LEARNING:
            _add(by_pair, (leader_id, team_id), _mix_row(_KIND_SLOT[kind], n, s))
    people: dict[int, list[int]] = {}
    teams: dict[int, list[int]] = {}
    for (person_id, team_id), row in by_pair.items():
        _add(people, person_id, row)
        if team_id is not None:
            _add(teams, team_id, row)
    formal_slot = _SLOT[Mode.FORMAL]
    for person_id, sums in formal.items():
        _add(people, person_id, _mix_row(formal_slot, sums.outcomes, sums.seconds))
    for team_id, person_id in team_people:
        found = formal.get(person_id)
        if found is not None:
            _add(teams, team_id, _mix_row(formal_slot, found.outcomes, found.seconds))
    organisation = [sum(column) for column in zip(*people.values(), strict=True)] or [0] * 6
    return Mix(MixFigures(*organisation), _mix_rows(teams), _mix_rows(people))


def _formal_teams(
    session: Session,
    scope: Scope,
    groups: Sequence[RecordGroup],
    formal: dict[int, FormalSums],
    team_people: Sequence[tuple[int, int]],
) -> tuple[FormalTeam, ...]:
    teams: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for team_id, person_id in team_people:
        found = formal.get(person_id)
        if found is not None:
            sums = teams[team_id]
            sums[0] += found.completions
            sums[1] += found.passed
            sums[2] += found.failed
    seconds: dict[int, int] = defaultdict(int)
    for g in groups:
        if g.team_id is not None:
            seconds[g.team_id] += g.seconds
    team_ids = (
        set(scope.team_ids) if scope.team_ids is not None else set(session.scalars(select(Team.id)))
    )
    found_rows = []
    for tid in sorted(team_ids):
        completions, passed, failed = teams.get(tid, [0, 0, 0])
        found_rows.append(FormalTeam(tid, completions, passed, failed, seconds.get(tid, 0)))
    return tuple(found_rows)


@collector_paused()
def compute(session: Session, scope: Scope, *, now: datetime | None = None) -> Indicators:
    """Every indicator for ``scope`` (already authorised by ``scope_for``).

    "Days since the last coaching" count to the end of the period, or to ``now``
    when the period has not ended yet. The heavy figures share three grouped
    passes (:mod:`.passes`) rather than scanning the period once each.
    """
    as_of = min(scope.period.end, now or datetime.now(UTC))
    report_settings(session)
    groups = records_pass(session, scope)
    learners = fold_learners(participations_pass(session, scope))
    formal = formal_pass(session, scope)
    team_people = memberships(session, scope)
    teaching = _leaders_teaching(session, scope, groups)
    expectations, goals = _expectations_and_goals(groups)
    topics, values = _topics_and_values(session, scope)
    return Indicators(
        scope=scope,
        leaders_teaching=teaching,
        hours_by_kind=_hours_by_kind(groups),
        reach=_reach(learners),
        coaching=_coaching(session, scope, learners, as_of),
        ratings=_ratings(session, scope),
        train_the_trainer=_train_the_trainer(session, scope, teaching.leaders),
        expectations=expectations,
        goals=goals,
        topics=topics,
        values=values,
        mix=_mix_from(groups, learners, formal, team_people),
        formal=_formal_teams(session, scope, groups, formal, team_people),
    )


DRILL_LIMIT = 500


def _statement_ids(session: Session, record_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The current (stating, not voided) statement ids of each record."""
    found: dict[int, list[str]] = defaultdict(list)
    if record_ids:
        for record_id, statement_id in session.execute(
            select(RecordStatement.record_id, RecordStatement.statement_id)
            .where(
                RecordStatement.record_id.in_(record_ids),
                RecordStatement.role == StatementRole.STATES,
                RecordStatement.voided.is_(False),
            )
            .order_by(RecordStatement.id)
        ):
            found[int(record_id)].append(statement_id)
    return {rid: tuple(ids) for rid, ids in found.items()}


def _record_rows(
    session: Session, where: Sequence[ColumnElement[bool]], limit: int
) -> list[DrillRow]:
    records = session.scalars(
        select(R).where(*where).order_by(R.occurred_at.desc(), R.id.desc()).limit(limit)
    ).all()
    ids = _statement_ids(session, [r.id for r in records])
    return [
        DrillRow(
            kind=r.kind.value,
            occurred_at=_aware(r.occurred_at) or r.occurred_at,
            person_id=r.leader_id,
            seconds=r.duration_seconds or 0,
            statement_ids=ids.get(r.id, ()),
            record_id=r.id,
            title=r.title,
        )
        for r in records
    ]


def _formal_rows(
    session: Session, where: Sequence[ColumnElement[bool]], limit: int
) -> list[DrillRow]:
    rows = session.scalars(
        select(F).where(*where).order_by(F.timestamp.desc(), F.statement_id).limit(limit)
    ).all()
    return [
        DrillRow(
            kind=f"formal:{row.verb}",
            occurred_at=_aware(row.timestamp) or datetime.min.replace(tzinfo=UTC),
            person_id=row.person_id,
            seconds=int(row.duration_seconds or 0),
            statement_ids=(row.statement_id,),
            title=row.activity_name,
        )
        for row in rows
    ]


def _bad_key() -> Invalid:
    return Invalid({"key": _("This figure has no such entry.")})


def _int_key(key: str | None) -> int:
    try:
        return int(key or "")
    except ValueError:
        raise _bad_key() from None


def _has_participant(
    person_id: int | None, roles: Sequence[ParticipantRole]
) -> ColumnElement[bool]:
    query = select(P.id).where(P.record_id == R.id, P.role.in_(roles))
    if person_id is not None:
        query = query.where(P.person_id == person_id)
    return exists(query)


def _mix_drill(session: Session, scope: Scope, key: str | None, limit: int) -> list[DrillRow]:
    parts = (key or "").split(":")
    try:
        mode = Mode(parts[-1])
    except ValueError:
        raise _bad_key() from None
    team_id = person_id = None
    if len(parts) == 3 and parts[0] in ("team", "person"):
        if parts[0] == "team":
            team_id = _int_key(parts[1])
        else:
            person_id = _int_key(parts[1])
    elif len(parts) != 1:
        raise _bad_key()
    learner_kinds = [k for k in PARTICIPANT_LEARNING if KIND_MODE[k] is mode]
    self_kinds = [k for k in SELF_LEARNING if KIND_MODE[k] is mode]
    by_learner = and_(*_records(scope, learner_kinds), _has_participant(person_id, LEARNING_ROLES))
    by_self = and_(*_records(scope, self_kinds))
    if person_id is not None:
        by_self = and_(by_self, R.leader_id == person_id)
    where: list[ColumnElement[bool]] = [or_(by_learner, by_self)]
    if team_id is not None:
        where.append(R.team_id == team_id)
    rows = _record_rows(session, where, limit)
    if mode is Mode.FORMAL:
        formal = _formal(scope)
        if person_id is not None:
            formal.append(F.person_id == person_id)
        if team_id is not None:
            formal.append(
                F.person_id.in_(select(Membership.person_id).where(Membership.team_id == team_id))
            )
        rows += _formal_rows(session, [*formal, F.is_outcome.is_(True)], limit)
        rows.sort(key=lambda row: row.occurred_at, reverse=True)
    return rows[:limit]


def drill(
    session: Session,
    scope: Scope,
    indicator: Indicator,
    key: str | None = None,
    *,
    limit: int = DRILL_LIMIT,
) -> list[DrillRow]:
    """The records behind one figure (see ``Indicator`` for each key), newest first,
    at most ``limit``; a key the figure does not have raises ``Invalid``."""
    leaders = _members(scope, Role.LEADER)
    where: list[ColumnElement[bool]]
    if indicator is Indicator.LEADERS_TEACHING:
        where = [*_records(scope, TEACHING_KINDS), R.leader_id.in_(leaders)]
    elif indicator is Indicator.HOURS_BY_KIND:
        try:
            kind = RecordKind(key or "")
        except ValueError:
            raise _bad_key() from None
        where = _records(scope, [kind] if kind in LEADER_KINDS else [])
    elif indicator is Indicator.REACH:
        where = [*_records(scope, TEACHING_KINDS), _has_participant(None, LEARNING_ROLES)]
        if key:
            where.append(R.leader_id == _int_key(key))
    elif indicator is Indicator.COACHING:
        where = [
            *_records(scope, COACHING_KINDS),
            _has_participant(_int_key(key), [ParticipantRole.LEARNER]),
        ]
    elif indicator is Indicator.RATINGS:
        rated = aliased(LeaderLedRecord)
        parents = select(rated.id).where(rated.state == RecordState.ACTIVE)
        if key:
            parents = parents.where(rated.leader_id == _int_key(key))
        if scope.kinds is not None:
            parents = parents.where(rated.kind.in_(scope.kinds))
        where = [
            *_records(scope, [RecordKind.CONFIRMATION], kind_filter=False),
            R.rating.is_not(None),
            R.parent_id.in_(parents),
        ]
    elif indicator is Indicator.TRAIN_THE_TRAINER:
        kinds = {
            "trained": RecordKind.TTT_SESSION,
            "paired": RecordKind.TRAINER_PAIRING,
            "feedback": RecordKind.FEEDBACK,
        }
        if key not in kinds:
            raise _bad_key()
        new_trainer = select(P.id).where(
            P.record_id == R.id,
            P.role == ParticipantRole.NEW_TRAINER,
            P.person_id.in_(leaders),
        )
        where = [
            R.state == RecordState.ACTIVE,
            R.kind.in_(_kinds(scope, [kinds[key]])),
            R.occurred_at < scope.period.end,
            exists(new_trainer),
        ]
    elif indicator is Indicator.EXPECTATIONS:
        where = _records(scope, [RecordKind.EXPECTATION_ACKNOWLEDGED])
    elif indicator is Indicator.GOALS:
        goal_kinds = {"set": RecordKind.GOAL_SET, "met": RecordKind.GOAL_MET}
        if key not in goal_kinds:
            raise _bad_key()
        where = _records(scope, [goal_kinds[key]])
    elif indicator is Indicator.TOPICS:
        where = [
            *_records(scope, [RecordKind.KNOWLEDGE_SESSION]),
            R.topic == key if key else R.topic.is_(None),
        ]
    elif indicator is Indicator.VALUES:
        value = (
            R.company_value_id.in_(select(CompanyValue.id).where(CompanyValue.slug == key))
            if key
            else R.company_value_id.is_(None)
        )
        where = [*_records(scope, [RecordKind.KNOWLEDGE_SESSION]), value]
    elif indicator is Indicator.MIX:
        return _mix_drill(session, scope, key, limit)
    else:  # Indicator.FORMAL
        team_id = _int_key(key)
        if scope.team_ids is not None and team_id not in scope.team_ids:
            raise _bad_key()
        members = select(Membership.person_id).where(Membership.team_id == team_id)
        return _formal_rows(
            session, [*_formal(scope), F.is_outcome.is_(True), F.person_id.in_(members)], limit
        )
    return _record_rows(session, where, limit)
