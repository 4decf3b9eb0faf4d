"""The report figures computed in Python from plain rows, for the two places
that have no SQL to run: ``leaderled report lrs`` (rows rebuilt from the
LRS's statements) and the benchmark's naive baseline (rows loaded from the
database). The rules are those of :mod:`.local`, one for one, so that the
three agree; tests hold them to that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from plugin.models.people import Role
from plugin.models.records import ParticipantRole, RecordKind
from plugin.services.reports.figures import (
    Expectations,
    FormalTeam,
    Goals,
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
from statements.classification.verbs import SESSION_ENDS


@dataclass(frozen=True)
class RecordRow:
    """An active leader-led record; ``owner`` is who recorded it (``leader_id``)."""

    key: str
    kind: RecordKind
    owner: int
    team: int | None
    at: datetime
    seconds: int | None = None
    topic: str | None = None
    value: str | None = None
    rating: int | None = None
    parent: str | None = None  # the key of the record a confirmation rates
    people: tuple[tuple[int, ParticipantRole], ...] = ()


@dataclass(frozen=True)
class FormalRow:
    """A formal statement the sync keeps (not voided), of a known person."""

    statement_id: str
    person: int
    verb: str
    kind: str | None
    success: bool | None
    completion: bool | None
    is_outcome: bool
    seconds: float | None
    registration: str | None
    at: datetime | None


@dataclass(frozen=True)
class Roster:
    """Who is in which team with which role, and every team id."""

    memberships: tuple[tuple[int, int, Role], ...]  # person, team, role
    teams: tuple[int, ...]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Rows:
    def __init__(
        self,
        scope: Scope,
        records: Sequence[RecordRow],
        formal: Sequence[FormalRow],
        roster: Roster,
    ) -> None:
        self.scope = scope
        self.records = records
        self.formal = formal
        self.roster = roster
        teams = scope.team_ids
        self.in_teams = [m for m in roster.memberships if teams is None or m[1] in teams]
        self.leaders = {p for p, _, role in self.in_teams if role is Role.LEADER}
        self.members = {p for p, _, _ in self.in_teams}

    def kind_ok(self, kind: RecordKind) -> bool:
        return self.scope.kinds is None or kind in self.scope.kinds

    def records_of(
        self, kinds: Iterable[RecordKind], *, until_end: bool = False, kind_filter: bool = True
    ) -> list[RecordRow]:
        wanted = set(kinds)
        period, teams = self.scope.period, self.scope.team_ids
        return [
            r
            for r in self.records
            if r.kind in wanted
            and (not kind_filter or self.kind_ok(r.kind))
            and _aware(r.at) < period.end
            and (until_end or _aware(r.at) >= period.start)
            and (teams is None or r.team in teams)
        ]

    def formal_rows(self) -> list[FormalRow]:
        period, teams = self.scope.period, self.scope.team_ids
        return [
            f
            for f in self.formal
            if f.at is not None
            and period.start <= _aware(f.at) < period.end
            and (teams is None or f.person in self.members)
        ]


def _three(values: list[int]) -> tuple[int, int, int]:
    return values[0], values[1], values[2]


def _formal_per_person(rows: _Rows) -> dict[int, tuple[int, int]]:
    in_period = rows.formal_rows()
    ended = {
        (f.person, f.registration)
        for f in in_period
        if f.verb in SESSION_ENDS and f.registration is not None
    }
    counts: dict[int, int] = defaultdict(int)
    seconds: dict[int, float] = defaultdict(float)
    for f in in_period:
        counts[f.person] += 1 if f.is_outcome else 0
        counted = f.verb in SESSION_ENDS or (
            f.is_outcome and (f.registration is None or (f.person, f.registration) not in ended)
        )
        if counted:
            seconds[f.person] += f.seconds or 0
    return {p: (counts[p], int(seconds[p])) for p in counts}


def compute_rows(
    scope: Scope,
    records: Sequence[RecordRow],
    formal: Sequence[FormalRow],
    roster: Roster,
    *,
    now: datetime | None = None,
) -> Indicators:
    """Every indicator for ``scope`` from rows (see the module docstring)."""
    rows = _Rows(scope, records, formal, roster)
    period = scope.period
    as_of = min(period.end, now or datetime.now(UTC))
    by_key = {r.key: r for r in records}

    teaching_records = rows.records_of(TEACHING_KINDS)
    teaching = LeadersTeaching(
        len(rows.leaders), len({r.owner for r in teaching_records if r.owner in rows.leaders})
    )

    hours: dict[RecordKind, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows.records_of(LEADER_KINDS):
        hours[r.kind][0] += 1
        hours[r.kind][1] += r.seconds or 0
    hours_by_kind = tuple(
        KindHours(kind, n, s) for kind, (n, s) in sorted(hours.items(), key=lambda i: i[0].value)
    )

    reached: dict[int, set[int]] = defaultdict(set)
    for r in teaching_records:
        for person, role in r.people:
            if role in LEARNING_ROLES:
                reached[r.owner].add(person)
    reach = Reach(
        len(set().union(*reached.values())) if reached else 0,
        tuple(LeaderReach(o, len(p)) for o, p in sorted(reached.items()) if p),
    )

    coached: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for r in rows.records_of(COACHING_KINDS, until_end=True):
        if r.team is None:
            continue
        for person, role in r.people:
            if role is ParticipantRole.LEARNER:
                coached[(person, r.team)].append(_aware(r.at))
    coaching: list[MemberCoaching] = []
    for person, team, member_role in rows.in_teams:
        if member_role is not Role.LEARNER:
            continue
        times = coached.get((person, team), [])
        last = max(times) if times else None
        coaching.append(
            MemberCoaching(
                person,
                team,
                sum(1 for t in times if t >= period.start),
                last,
                max((as_of - last).days, 0) if last is not None else None,
            )
        )

    by_value = [0, 0, 0, 0, 0]
    leaders: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows.records_of([RecordKind.CONFIRMATION], kind_filter=False):
        parent = by_key.get(r.parent or "")
        if r.rating is None or parent is None or not rows.kind_ok(parent.kind):
            continue
        if 1 <= r.rating <= 5:
            by_value[r.rating - 1] += 1
        leaders[parent.owner][0] += 1
        leaders[parent.owner][1] += r.rating
    by_leader = tuple(LeaderRating(o, n, t) for o, (n, t) in sorted(leaders.items()))
    ratings = Ratings(
        sum(x.ratings for x in by_leader),
        sum(x.total for x in by_leader),
        (by_value[0], by_value[1], by_value[2], by_value[3], by_value[4]),
        by_leader,
    )

    def new_trainers(kind: RecordKind) -> int:
        if not rows.kind_ok(kind):
            return 0
        return len(
            {
                person
                for r in records
                if r.kind is kind and _aware(r.at) < period.end
                for person, role in r.people
                if role is ParticipantRole.NEW_TRAINER and person in rows.leaders
            }
        )

    ttt = TrainTheTrainer(
        len(rows.leaders),
        new_trainers(RecordKind.TTT_SESSION),
        new_trainers(RecordKind.TRAINER_PAIRING),
        new_trainers(RecordKind.FEEDBACK),
    )

    acks = rows.records_of([RecordKind.EXPECTATION_ACKNOWLEDGED])
    expectations = Expectations(len(acks), len({r.owner for r in acks}))
    goals = Goals(
        len(rows.records_of([RecordKind.GOAL_SET])), len(rows.records_of([RecordKind.GOAL_MET]))
    )

    topic_sums: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    value_sums: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows.records_of([RecordKind.KNOWLEDGE_SESSION]):
        attendees = sum(1 for _, role in r.people if role is ParticipantRole.ATTENDEE)
        for i, amount in enumerate((1, r.seconds or 0, attendees)):
            topic_sums[r.topic][i] += amount
        value_sums[r.value][0] += 1
        value_sums[r.value][1] += r.seconds or 0
    topics = tuple(
        TopicSessions(t, *v) for t, v in sorted(topic_sums.items(), key=lambda i: i[0] or "")
    )
    values = tuple(
        ValueSessions(k, *v) for k, v in sorted(value_sums.items(), key=lambda i: i[0] or "")
    )

    sums: dict[tuple[str, int | None], dict[Mode, list[int]]] = defaultdict(
        lambda: {mode: [0, 0] for mode in Mode}
    )

    def add(person: int, team: int | None, mode: Mode, count: int, seconds: int) -> None:
        targets: list[tuple[str, int | None]] = [("org", None), ("person", person)]
        if team is not None:
            targets.append(("team", team))
        for target in targets:
            sums[target][mode][0] += count
            sums[target][mode][1] += seconds

    for r in rows.records_of(PARTICIPANT_LEARNING):
        for person, role in r.people:
            if role in LEARNING_ROLES:
                add(person, r.team, KIND_MODE[r.kind], 1, r.seconds or 0)
    for r in rows.records_of(SELF_LEARNING):
        add(r.owner, r.team, KIND_MODE[r.kind], 1, r.seconds or 0)
    formal_people = _formal_per_person(rows)
    person_teams: dict[int, list[int]] = defaultdict(list)
    for person, team, _ in rows.in_teams:
        person_teams[person].append(team)
    for person, (count, seconds) in formal_people.items():
        add(person, None, Mode.FORMAL, count, seconds)
        for team in person_teams.get(person, []):
            sums[("team", team)][Mode.FORMAL][0] += count
            sums[("team", team)][Mode.FORMAL][1] += seconds

    def figures(key: tuple[str, int | None]) -> MixFigures:
        found = sums.get(key) or {mode: [0, 0] for mode in Mode}
        return MixFigures(
            found[Mode.EXPERIENTIAL][0],
            found[Mode.SOCIAL][0],
            found[Mode.FORMAL][0],
            found[Mode.EXPERIENTIAL][1],
            found[Mode.SOCIAL][1],
            found[Mode.FORMAL][1],
        )

    def mix_rows(kind: str) -> tuple[MixRow, ...]:
        keys = sorted(k[1] for k in sums if k[0] == kind and k[1] is not None)
        return tuple(MixRow(k, figures((kind, k))) for k in keys)

    mix = Mix(figures(("org", None)), mix_rows("team"), mix_rows("person"))

    outcomes: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for f in rows.formal_rows():
        if not f.is_outcome:
            continue
        achievement = f.kind == "achievement"
        outcomes[f.person][0] += 1 if achievement and f.completion is True else 0
        outcomes[f.person][1] += 1 if achievement and f.success is True else 0
        outcomes[f.person][2] += 1 if achievement and f.success is False else 0
    team_outcomes: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for person, team, _ in rows.in_teams:
        if person in outcomes:
            for i, value in enumerate(outcomes[person]):
                team_outcomes[team][i] += value
    team_seconds: dict[int, int] = defaultdict(int)
    for r in rows.records_of(LEADER_KINDS):
        if r.team is not None:
            team_seconds[r.team] += r.seconds or 0
    team_ids = sorted(scope.team_ids if scope.team_ids is not None else roster.teams)
    formal_teams = tuple(
        FormalTeam(t, *_three(team_outcomes.get(t, [0, 0, 0])), team_seconds.get(t, 0))
        for t in team_ids
    )

    return Indicators(
        scope=scope,
        leaders_teaching=teaching,
        hours_by_kind=hours_by_kind,
        reach=reach,
        coaching=tuple(sorted(coaching, key=lambda row: (row.team_id, row.person_id))),
        ratings=ratings,
        train_the_trainer=ttt,
        expectations=expectations,
        goals=goals,
        topics=topics,
        values=values,
        mix=mix,
        formal=formal_teams,
    )
