"""Tip 5, managing expectations: what L&D asks of leaders as teachers, per
organisation or per team; each leader acknowledges it (recorded) and sees
their progress computed from their own records ("2 of 3 knowledge sessions
this quarter").

Changing an expectation's text makes a new version that leaders are asked
to acknowledge again; its IRI stays, so the LRS sees one expectation.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from plugin.i18n import _
from plugin.models.expectations import Expectation, ExpectationAcknowledgement, Measure, Period
from plugin.models.people import Membership, Person, Role, Team
from plugin.models.records import (
    LeaderLedRecord,
    RecordKind,
    RecordParticipant,
    RecordState,
)
from plugin.services import recording
from plugin.services.errors import Checks, Conflict, NotFound
from plugin.services.people import Actor, statement_identity, teams_led_by
from plugin.services.publishing import Publishing
from plugin.services.record_queries import Period as RecordPeriod
from plugin.services.record_queries import period_start
from plugin.services.roles import require_leader, require_lnd_admin
from statements.builders import ExpectationsAcknowledged, Text, expectations_acknowledged
from statements.builders.expectations import EXPECTED_ROLES

MAX_TEXT = 200
MAX_TARGET = 100
#: The record kinds each measure counts.
COUNTED: dict[Measure, tuple[RecordKind, ...]] = {
    Measure.KNOWLEDGE_SESSIONS: (RecordKind.KNOWLEDGE_SESSION,),
    Measure.COACHING_MOMENTS: (RecordKind.COACHING_MOMENT, RecordKind.MENTORING_SESSION),
    Measure.MATERIALS_SHARED: (RecordKind.MATERIAL_SHARED,),
}


@dataclass(frozen=True)
class ExpectationInput:
    text_en: str
    text_nl: str
    role: str
    team_id: int | None
    measure: str = Measure.NONE.value
    target: int | None = None
    period: str = Period.QUARTER.value


def _text(checks: Checks, field: str, value: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        checks.fail(field, _("Enter the expectation in this language."))
    elif len(text) > MAX_TEXT:
        checks.fail(field, _("The text must be %(max)d characters or fewer.", max=MAX_TEXT))
    elif not text.isprintable():
        checks.fail(field, _("The text contains characters that cannot be shown."))
    return text


def _check(session: Session, data: ExpectationInput) -> ExpectationInput:
    checks = Checks()
    text_en = _text(checks, "text_en", data.text_en)
    text_nl = _text(checks, "text_nl", data.text_nl)
    if data.role not in EXPECTED_ROLES:
        checks.fail("role", _("Choose the role this is expected in."))
    if data.team_id is not None and session.get(Team, data.team_id) is None:
        checks.fail("team", _("Choose the whole organisation or one of the teams offered."))
    if data.measure not in set(Measure):
        checks.fail("measure", _("Choose what Leaderled counts, or nothing."))
    target = data.target
    if data.measure != Measure.NONE.value:
        if target is None:
            checks.fail("target", _("Enter the number expected, such as 3."))
        elif not 1 <= target <= MAX_TARGET:
            checks.fail("target", _("The number must be between 1 and %(max)d.", max=MAX_TARGET))
        if data.period not in set(Period):
            checks.fail("period", _("Choose a month, a quarter or a year."))
    else:
        target = None
    checks.raise_if_any()
    period = data.period if data.period in set(Period) else Period.QUARTER.value
    return ExpectationInput(text_en, text_nl, data.role, data.team_id, data.measure, target, period)


def _apply(row: Expectation, clean: ExpectationInput) -> None:
    row.role = clean.role
    row.team_id = clean.team_id
    row.measure = Measure(clean.measure)
    row.target = clean.target
    row.period = Period(clean.period)


def create(session: Session, actor: Actor, data: ExpectationInput, *, site: str) -> Expectation:
    require_lnd_admin(actor)
    clean = _check(session, data)
    key = str(uuid.uuid4())
    row = Expectation(
        key=key,
        iri=f"{site}/expectations/{key}",
        text_en=clean.text_en,
        text_nl=clean.text_nl,
        version=1,
        created_by_id=actor.person_id,
    )
    _apply(row, clean)
    session.add(row)
    session.flush()
    return row


def expectation_by_id(session: Session, expectation_id: int) -> Expectation:
    row = session.get(Expectation, expectation_id)
    if row is None:
        raise NotFound(_("There is no such expectation."))
    return row


def update(
    session: Session, actor: Actor, expectation_id: int, data: ExpectationInput
) -> Expectation:
    """Change an expectation; new words make a new version to acknowledge."""
    require_lnd_admin(actor)
    row = expectation_by_id(session, expectation_id)
    clean = _check(session, data)
    if (clean.text_en, clean.text_nl) != (row.text_en, row.text_nl):
        row.version += 1
        row.text_en, row.text_nl = clean.text_en, clean.text_nl
    _apply(row, clean)
    session.flush()
    return row


def set_retired(
    session: Session, actor: Actor, expectation_id: int, *, retired: bool, now: datetime
) -> Expectation:
    require_lnd_admin(actor)
    row = expectation_by_id(session, expectation_id)
    row.retired_at = (row.retired_at or now) if retired else None
    session.flush()
    return row


@dataclass(frozen=True)
class AdminRow:
    expectation: Expectation
    acknowledged: int  # leaders who acknowledged the current version
    leaders: int  # leaders it applies to


def all_expectations(session: Session) -> list[AdminRow]:
    rows = session.scalars(
        select(Expectation)
        .options(selectinload(Expectation.team))
        .order_by(Expectation.retired_at.is_not(None), Expectation.created_at, Expectation.id)
    ).all()
    acks = dict(
        session.execute(
            select(ExpectationAcknowledgement.expectation_id, func.count())
            .join(Expectation, Expectation.id == ExpectationAcknowledgement.expectation_id)
            .where(ExpectationAcknowledgement.version == Expectation.version)
            .group_by(ExpectationAcknowledgement.expectation_id)
        )
        .tuples()
        .all()
    )
    everyone = session.scalar(
        select(func.count(func.distinct(Membership.person_id))).where(
            Membership.role == Role.LEADER
        )
    )
    per_team = dict(
        session.execute(
            select(Membership.team_id, func.count())
            .where(Membership.role == Role.LEADER)
            .group_by(Membership.team_id)
        )
        .tuples()
        .all()
    )
    return [
        AdminRow(
            row,
            int(acks.get(row.id, 0)),
            int(per_team.get(row.team_id, 0) if row.team_id is not None else everyone or 0),
        )
        for row in rows
    ]


def all_teams(session: Session) -> Sequence[Team]:
    return session.scalars(select(Team).order_by(Team.title, Team.id)).all()


# -- the leader's side ------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    target: int
    measure: Measure
    period: Period

    @property
    def met(self) -> bool:
        return self.done >= self.target


@dataclass(frozen=True)
class MyExpectation:
    expectation: Expectation
    acknowledged_at: datetime | None
    outdated: bool  # acknowledged an earlier version only
    progress: Progress | None


def _start(period: Period, today: date) -> datetime:
    start = period_start(RecordPeriod(period.value), today)
    assert start is not None
    return datetime(start.year, start.month, start.day, tzinfo=UTC)


def progress_of(
    session: Session, person_id: int, row: Expectation, team_ids: Sequence[int], today: date
) -> Progress | None:
    """What the leader's records show for the expectation this period."""
    if row.measure is Measure.NONE or row.target is None:
        return None
    since = _start(row.period, today)
    teams = [row.team_id] if row.team_id is not None else list(team_ids)
    mine = (
        LeaderLedRecord.leader_id == person_id,
        LeaderLedRecord.state == RecordState.ACTIVE,
        LeaderLedRecord.occurred_at >= since,
    )
    if row.measure is Measure.TEAM_MEMBERS_COACHED:
        members = set(
            session.scalars(
                select(Membership.person_id).where(
                    Membership.team_id.in_(teams),
                    Membership.role == Role.LEARNER,
                    Membership.person_id != person_id,
                )
            )
        )
        coached = dict(
            session.execute(
                select(RecordParticipant.person_id, func.count())
                .join(LeaderLedRecord, LeaderLedRecord.id == RecordParticipant.record_id)
                .where(*mine, LeaderLedRecord.kind.in_(COUNTED[Measure.COACHING_MOMENTS]))
                .group_by(RecordParticipant.person_id)
            )
            .tuples()
            .all()
        )
        done = sum(1 for m in members if coached.get(m, 0) >= row.target)
        return Progress(done, len(members), row.measure, row.period)
    query = select(func.count()).where(*mine, LeaderLedRecord.kind.in_(COUNTED[row.measure]))
    if row.team_id is not None:
        query = query.where(LeaderLedRecord.team_id == row.team_id)
    return Progress(int(session.scalar(query) or 0), row.target, row.measure, row.period)


def _mine_query(team_ids: Sequence[int]):  # type: ignore[no-untyped-def]
    return (
        select(Expectation)
        .where(
            Expectation.retired_at.is_(None),
            or_(Expectation.team_id.is_(None), Expectation.team_id.in_(list(team_ids))),
        )
        .order_by(Expectation.team_id.is_not(None), Expectation.created_at, Expectation.id)
    )


def for_leader(session: Session, actor: Actor, today: date) -> list[MyExpectation]:
    """The expectations that apply to the leader (organisation and their teams)."""
    require_leader(actor)
    team_ids = [t.id for t in teams_led_by(session, actor.person_id)]
    rows = session.scalars(_mine_query(team_ids)).all()
    acks: dict[int, tuple[int, datetime]] = {}
    for ack in session.scalars(
        select(ExpectationAcknowledgement)
        .where(ExpectationAcknowledgement.person_id == actor.person_id)
        .order_by(ExpectationAcknowledgement.version)
    ):
        acks[ack.expectation_id] = (ack.version, ack.acknowledged_at)
    found = []
    for row in rows:
        version, when = acks.get(row.id, (0, None))
        current = version == row.version
        found.append(
            MyExpectation(
                row,
                when if current else None,
                bool(version) and not current,
                progress_of(session, actor.person_id, row, team_ids, today),
            )
        )
    return found


def acknowledge(
    session: Session, actor: Actor, expectation_id: int, *, pub: Publishing, now: datetime
) -> ExpectationAcknowledgement:
    require_leader(actor)
    team_ids = [t.id for t in teams_led_by(session, actor.person_id)]
    row = session.scalar(_mine_query(team_ids).where(Expectation.id == expectation_id))
    if row is None:
        raise NotFound(_("There is no such expectation for you."))
    done = session.scalar(
        select(ExpectationAcknowledgement.id).where(
            ExpectationAcknowledgement.expectation_id == row.id,
            ExpectationAcknowledgement.person_id == actor.person_id,
            ExpectationAcknowledgement.version == row.version,
        )
    )
    if done is not None:
        raise Conflict(_("You already acknowledged this expectation."))
    person = session.get_one(Person, actor.person_id)
    statement = expectations_acknowledged(
        ExpectationsAcknowledged(
            person=statement_identity(session, person),
            expectations_id=row.iri,
            title=Text(row.text_en, row.text_nl),
            role=row.role,  # checked against EXPECTED_ROLES when stored
            occurred_at=now,
        ),
        pub.options,
    )
    record = recording.record(
        session,
        LeaderLedRecord(
            kind=RecordKind.EXPECTATION_ACKNOWLEDGED,
            leader_id=person.id,
            team_id=actor.team_id,
            title=row.text_en,
            activity_iri=row.iri,
            occurred_at=now,
            details={"expectation_id": row.id, "version": row.version},
        ),
        [statement],
    )
    ack = ExpectationAcknowledgement(
        expectation_id=row.id,
        person_id=person.id,
        version=row.version,
        acknowledged_at=now,
        record_id=record.id,
    )
    session.add(ack)
    session.flush()
    return ack
