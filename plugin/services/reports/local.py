"""The report figures from the local database: aggregate SQL over records and
the formal records the sync pulled, never an LRS call (issue 11).

Every query is a GROUP BY over an indexed range (``occurred_at`` or the
formal record's ``timestamp``) narrowed by team; Python only folds the
grouped rows (a few per kind, team or person) into the figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, union_all
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
from plugin.services.reports.scope import Scope
from statements.classification import Origin
from statements.classification.verbs import SESSION_ENDS

R = LeaderLedRecord
P = RecordParticipant
F = FormalRecord


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC datetimes."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _kinds(scope: Scope, wanted: Iterable[RecordKind]) -> list[RecordKind]:
    """The kinds of ``wanted`` the scope's kind filter lets through."""
    return [k for k in wanted if scope.kinds is None or k in scope.kinds]


def _records(
    scope: Scope,
    wanted: Iterable[RecordKind],
    *,
    until_end: bool = False,
    kind_filter: bool = True,
) -> list[ColumnElement[bool]]:
    """Active records of ``wanted`` kinds in the scope's teams and period (or, with
    ``until_end``, at any time before the period ends). Without ``kind_filter``
    the scope's kinds do not apply (a rating is filtered by what it rates)."""
    where: list[ColumnElement[bool]] = [
        R.state == RecordState.ACTIVE,
        R.kind.in_(_kinds(scope, wanted) if kind_filter else list(wanted)),
        R.occurred_at < scope.period.end,
    ]
    if not until_end:
        where.append(R.occurred_at >= scope.period.start)
    if scope.team_ids is not None:
        where.append(R.team_id.in_(scope.team_ids))
    return where


def _members(scope: Scope, role: Role | None = None) -> Select[tuple[int]]:
    """Person ids with a membership (of ``role``) in the scope's teams."""
    query = select(Membership.person_id)
    if role is not None:
        query = query.where(Membership.role == role)
    if scope.team_ids is not None:
        query = query.where(Membership.team_id.in_(scope.team_ids))
    return query


def _formal(scope: Scope) -> list[ColumnElement[bool]]:
    """Formal records of people in scope, in the period, not voided."""
    where: list[ColumnElement[bool]] = [
        F.origin == Origin.FORMAL.value,
        F.voided.is_(False),
        F.person_id.is_not(None),
        F.timestamp >= scope.period.start,
        F.timestamp < scope.period.end,
    ]
    if scope.team_ids is not None:
        where.append(F.person_id.in_(_members(scope)))
    return where


def _formal_per_person(session: Session, scope: Scope) -> dict[int, tuple[int, int]]:
    """Outcomes and time per person, time counted once per session (as
    ``formal_effort_of``): the durations of session ends, and of outcomes only
    in a registration without a session end in the period (a Moodle quiz
    attempt); rows without a registration count on their own. Grouped by
    registration first, so no row looks for its session's end."""
    end = F.verb.in_(SESSION_ENDS)
    sessions = (
        select(
            F.person_id.label("person_id"),
            F.registration.label("registration"),
            func.count().filter(F.is_outcome.is_(True)).label("outcomes"),
            func.count().filter(end).label("ends"),
            func.coalesce(func.sum(F.duration_seconds).filter(end), 0).label("ended"),
            func.coalesce(
                func.sum(F.duration_seconds).filter(F.is_outcome.is_(True), ~end), 0
            ).label("outcome_time"),
        )
        .where(*_formal(scope))
        .group_by(F.person_id, F.registration)
        .subquery("sessions")
    )
    c = sessions.c
    own_time = or_(c.registration.is_(None), c.ends == 0)
    rows = session.execute(
        select(
            c.person_id,
            func.sum(c.outcomes),
            func.sum(c.ended) + func.coalesce(func.sum(c.outcome_time).filter(own_time), 0),
        ).group_by(c.person_id)
    ).all()
    return {int(p): (int(n), int(t)) for p, n, t in rows}


# -- the indicators ----------------------------------------------------------------


def _leaders_teaching(session: Session, scope: Scope) -> LeadersTeaching:
    leaders = select(func.count(func.distinct(Membership.person_id))).where(
        Membership.person_id.in_(_members(scope, Role.LEADER))
    )
    teaching = select(func.count(func.distinct(R.leader_id))).where(
        *_records(scope, TEACHING_KINDS), R.leader_id.in_(_members(scope, Role.LEADER))
    )
    return LeadersTeaching(int(session.scalar(leaders) or 0), int(session.scalar(teaching) or 0))


def _hours_by_kind(session: Session, scope: Scope) -> tuple[KindHours, ...]:
    rows = session.execute(
        select(R.kind, func.count(), func.coalesce(func.sum(R.duration_seconds), 0))
        .where(*_records(scope, LEADER_KINDS))
        .group_by(R.kind)
    ).all()
    found = [KindHours(RecordKind(kind), int(n), int(s)) for kind, n, s in rows]
    return tuple(sorted(found, key=lambda row: row.kind.value))


def _reach(session: Session, scope: Scope) -> Reach:
    where = [*_records(scope, TEACHING_KINDS), P.role.in_(LEARNING_ROLES)]
    total = session.scalar(
        select(func.count(func.distinct(P.person_id))).join(R, R.id == P.record_id).where(*where)
    )
    rows = session.execute(
        select(R.leader_id, func.count(func.distinct(P.person_id)))
        .join(P, P.record_id == R.id)
        .where(*where)
        .group_by(R.leader_id)
    ).all()
    by_leader = tuple(LeaderReach(int(lid), int(n)) for lid, n in sorted(rows))
    return Reach(int(total or 0), by_leader)


def _coaching(session: Session, scope: Scope, as_of: datetime) -> tuple[MemberCoaching, ...]:
    members = select(Membership.person_id, Membership.team_id).where(
        Membership.role == Role.LEARNER
    )
    if scope.team_ids is not None:
        members = members.where(Membership.team_id.in_(scope.team_ids))
    base = [
        *_records(scope, COACHING_KINDS, until_end=True),
        P.role == ParticipantRole.LEARNER,
        R.team_id.is_not(None),
    ]
    in_period = R.occurred_at >= scope.period.start
    rows = session.execute(
        select(
            P.person_id,
            R.team_id,
            func.count().filter(in_period),
            func.max(R.occurred_at),
        )
        .join(P, P.record_id == R.id)
        .where(*base)
        .group_by(P.person_id, R.team_id)
    ).all()
    found = {(int(p), int(t)): (int(n), _aware(last)) for p, t, n, last in rows}
    result = []
    for person_id, team_id in session.execute(members).tuples():
        sessions, last = found.get((person_id, team_id), (0, None))
        days = max((as_of - last).days, 0) if last is not None else None
        result.append(MemberCoaching(person_id, team_id, sessions, last, days))
    return tuple(sorted(result, key=lambda row: (row.team_id, row.person_id)))


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


def _expectations_and_goals(session: Session, scope: Scope) -> tuple[Expectations, Goals]:
    kinds = (RecordKind.EXPECTATION_ACKNOWLEDGED, RecordKind.GOAL_SET, RecordKind.GOAL_MET)
    rows = session.execute(
        select(R.kind, func.count(), func.count(func.distinct(R.leader_id)))
        .where(*_records(scope, kinds))
        .group_by(R.kind)
    ).all()
    found = {RecordKind(kind): (int(n), int(people)) for kind, n, people in rows}
    acknowledged = found.get(RecordKind.EXPECTATION_ACKNOWLEDGED, (0, 0))
    return (
        Expectations(*acknowledged),
        Goals(found.get(RecordKind.GOAL_SET, (0, 0))[0], found.get(RecordKind.GOAL_MET, (0, 0))[0]),
    )


def _topics_and_values(
    session: Session, scope: Scope
) -> tuple[tuple[TopicSessions, ...], tuple[ValueSessions, ...]]:
    where = _records(scope, [RecordKind.KNOWLEDGE_SESSION])
    attendees = (
        select(func.count())
        .where(P.record_id == R.id, P.role == ParticipantRole.ATTENDEE)
        .scalar_subquery()
    )
    topics = session.execute(
        select(
            R.topic,
            func.count(),
            func.coalesce(func.sum(R.duration_seconds), 0),
            func.coalesce(func.sum(attendees), 0),
        )
        .where(*where)
        .group_by(R.topic)
    ).all()
    values = session.execute(
        select(CompanyValue.slug, func.count(), func.coalesce(func.sum(R.duration_seconds), 0))
        .select_from(R)
        .outerjoin(CompanyValue, CompanyValue.id == R.company_value_id)
        .where(*where)
        .group_by(CompanyValue.slug)
    ).all()
    return (
        tuple(
            sorted(
                (TopicSessions(t, int(n), int(s), int(a)) for t, n, s, a in topics),
                key=lambda row: row.topic or "",
            )
        ),
        tuple(
            sorted(
                (ValueSessions(v, int(n), int(s)) for v, n, s in values),
                key=lambda row: row.value or "",
            )
        ),
    )


def _learning_events(scope: Scope) -> Any:
    """(person_id, team_id, kind, seconds): one row per learner per record."""
    by_participants = (
        select(
            P.person_id.label("person_id"),
            R.team_id.label("team_id"),
            R.kind.label("kind"),
            func.coalesce(R.duration_seconds, 0).label("seconds"),
        )
        .join(P, P.record_id == R.id)
        .where(*_records(scope, PARTICIPANT_LEARNING), P.role.in_(LEARNING_ROLES))
    )
    by_recorder = select(
        R.leader_id.label("person_id"),
        R.team_id.label("team_id"),
        R.kind.label("kind"),
        func.coalesce(R.duration_seconds, 0).label("seconds"),
    ).where(*_records(scope, SELF_LEARNING))
    return union_all(by_participants, by_recorder).subquery("events")


class _MixSums:
    """Counts and seconds per mode for many keys, folded into ``MixFigures``."""

    def __init__(self) -> None:
        self.sums: dict[Any, dict[Mode, list[int]]] = defaultdict(
            lambda: {mode: [0, 0] for mode in Mode}
        )

    def add(self, key: Any, mode: Mode, count: int, seconds: int) -> None:
        self.sums[key][mode][0] += count
        self.sums[key][mode][1] += seconds

    def figures(self, key: Any) -> MixFigures:
        found = self.sums.get(key) or {mode: [0, 0] for mode in Mode}
        return MixFigures(
            experiential_count=found[Mode.EXPERIENTIAL][0],
            social_count=found[Mode.SOCIAL][0],
            formal_count=found[Mode.FORMAL][0],
            experiential_seconds=found[Mode.EXPERIENTIAL][1],
            social_seconds=found[Mode.SOCIAL][1],
            formal_seconds=found[Mode.FORMAL][1],
        )

    def rows(self) -> tuple[MixRow, ...]:
        return tuple(MixRow(key, self.figures(key)) for key in sorted(self.sums))


def _mix(session: Session, scope: Scope) -> Mix:
    events = _learning_events(scope)
    organisation, teams, people = _MixSums(), _MixSums(), _MixSums()
    for person_id, team_id, kind, count, seconds in session.execute(
        select(
            events.c.person_id,
            events.c.team_id,
            events.c.kind,
            func.count(),
            func.coalesce(func.sum(events.c.seconds), 0),
        ).group_by(events.c.person_id, events.c.team_id, events.c.kind)
    ):
        mode = KIND_MODE[RecordKind(kind)]
        organisation.add(None, mode, int(count), int(seconds))
        people.add(int(person_id), mode, int(count), int(seconds))
        if team_id is not None:
            teams.add(int(team_id), mode, int(count), int(seconds))
    per_person = _formal_per_person(session, scope)
    for person_id, (count, seconds) in per_person.items():
        organisation.add(None, Mode.FORMAL, count, seconds)
        people.add(person_id, Mode.FORMAL, count, seconds)
    for team_id, person_id in _team_people(session, scope, per_person):
        count, seconds = per_person[person_id]
        teams.add(team_id, Mode.FORMAL, count, seconds)
    return Mix(organisation.figures(None), teams.rows(), people.rows())


def _team_people(
    session: Session, scope: Scope, person_ids: Iterable[int]
) -> Sequence[tuple[int, int]]:
    """(team, person) memberships in scope for the given people."""
    ids = list(person_ids)
    if not ids:
        return []
    query = select(Membership.team_id, Membership.person_id)
    if scope.team_ids is not None:
        query = query.where(Membership.team_id.in_(scope.team_ids))
    found: list[tuple[int, int]] = []
    for chunk in range(0, len(ids), 5000):
        part = ids[chunk : chunk + 5000]
        found.extend(
            (int(t), int(p))
            for t, p in session.execute(query.where(Membership.person_id.in_(part))).tuples()
        )
    return found


def _formal_teams(session: Session, scope: Scope) -> tuple[FormalTeam, ...]:
    achievement = F.kind == "achievement"
    per_person = session.execute(
        select(
            F.person_id,
            func.count().filter(achievement, F.completion.is_(True)),
            func.count().filter(achievement, F.success.is_(True)),
            func.count().filter(achievement, F.success.is_(False)),
        )
        .where(*_formal(scope), F.is_outcome.is_(True))
        .group_by(F.person_id)
    ).all()
    figures = {int(p): (int(c), int(ok), int(ko)) for p, c, ok, ko in per_person}
    teams: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for team_id, person_id in _team_people(session, scope, figures):
        for i, value in enumerate(figures[person_id]):
            teams[team_id][i] += value
    seconds = dict(
        session.execute(
            select(R.team_id, func.coalesce(func.sum(R.duration_seconds), 0))
            .where(*_records(scope, LEADER_KINDS), R.team_id.is_not(None))
            .group_by(R.team_id)
        )
        .tuples()
        .all()
    )
    team_ids = (
        set(scope.team_ids) if scope.team_ids is not None else set(session.scalars(select(Team.id)))
    )
    found = []
    for tid in sorted(team_ids):
        completions, passed, failed = teams.get(tid, [0, 0, 0])
        found.append(FormalTeam(tid, completions, passed, failed, int(seconds.get(tid) or 0)))
    return tuple(found)


def compute(session: Session, scope: Scope, *, now: datetime | None = None) -> Indicators:
    """Every indicator for ``scope`` (already authorised by ``scope_for``).

    "Days since the last coaching" count to the end of the period, or to ``now``
    when the period has not ended yet.
    """
    as_of = min(scope.period.end, now or datetime.now(UTC))
    teaching = _leaders_teaching(session, scope)
    expectations, goals = _expectations_and_goals(session, scope)
    topics, values = _topics_and_values(session, scope)
    return Indicators(
        scope=scope,
        leaders_teaching=teaching,
        hours_by_kind=_hours_by_kind(session, scope),
        reach=_reach(session, scope),
        coaching=_coaching(session, scope, as_of),
        ratings=_ratings(session, scope),
        train_the_trainer=_train_the_trainer(session, scope, teaching.leaders),
        expectations=expectations,
        goals=goals,
        topics=topics,
        values=values,
        mix=_mix(session, scope),
        formal=_formal_teams(session, scope),
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
