"""Tip 2, room to mentor: a leader records a coaching or mentoring moment.

One record per moment, with every person coached as a participant and one
statement per person (the moment is the object, the person is in the learner
extension, the registration names that leader's relationship with that
person). An edit voids the moment's statements and queues new ones with the
same activity IRI; the record keeps its id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.catalogue import CompanyValue, TopicCategory
from plugin.models.people import Person
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
)
from plugin.services import input_rules as rules
from plugin.services import recording
from plugin.services.catalogue import topic_by_slug, topic_ref, value_ref
from plugin.services.errors import Checks
from plugin.services.people import (
    Actor,
    leader_and_members,
    statement_identity,
)
from plugin.services.publishing import Publishing
from plugin.services.record_access import own_active_record, set_participants
from statements import vocabulary as v
from statements.builders import MentoringMoment, Statement, Text, mentoring_moment

MomentKind = Literal["coaching", "mentoring"]
KINDS: dict[MomentKind, RecordKind] = {
    "coaching": RecordKind.COACHING_MOMENT,
    "mentoring": RecordKind.MENTORING_SESSION,
}
MAX_PEOPLE = 50
DEFAULT_MINUTES = 15


@dataclass(frozen=True)
class MomentInput:
    kind: MomentKind
    people: tuple[int, ...]
    minutes: int | None
    occurred_at: datetime | None
    topic: str | None = None  # a TopicCategory slug
    value_id: int | None = None
    title: str = ""
    notes: str = ""


@dataclass(frozen=True)
class _Checked:
    kind: MomentKind
    people: list[Person]
    topic: TopicCategory | None
    value: CompanyValue | None
    title: str
    minutes: int
    occurred_at: datetime
    notes: str
    leader: Person | None = None  # who checked it (None when re-stating a stored record)


def relationship(leader_id: int, person_id: int, site: str) -> uuid.UUID:
    """The registration of one leader's mentoring relationship with one person:
    the same for every moment between them, so an LRS can follow it."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{site}/relationships/{leader_id}/{person_id}")


def check(
    session: Session, actor: Actor, team_id: int | None, data: MomentInput, now: datetime
) -> _Checked:
    wanted = list(dict.fromkeys(data.people))
    leader, found = leader_and_members(session, actor, team_id, wanted)
    checks = Checks()
    if data.kind not in KINDS:
        checks.fail("kind", _("Choose coaching or mentoring."))
    if not wanted:
        checks.fail("people", _("Choose at least one person."))
    elif len(wanted) > MAX_PEOPLE:
        checks.fail("people", _("Choose at most %(max)d people.", max=MAX_PEOPLE))
    elif actor.person_id in wanted:
        checks.fail("people", _("You cannot record coaching of yourself."))
    elif len(found) != len(wanted):
        checks.fail("people", _("Choose people from this course's team only."))
    topic = topic_by_slug(session, data.topic) if data.topic else None
    if data.topic and (topic is None or topic.retired_at is not None):
        checks.fail("topic", _("Choose one of the topics offered."))
    value = session.get(CompanyValue, data.value_id) if data.value_id is not None else None
    if data.value_id is not None and (value is None or value.retired_at is not None):
        checks.fail("value", _("Choose one of the company values offered."))
    title = rules.title(checks, "title", data.title, required=False)
    minutes = rules.minutes(checks, "minutes", data.minutes)
    occurred_at = rules.moment(checks, "occurred_at", data.occurred_at, now)
    notes = rules.notes(checks, "notes", data.notes)
    checks.raise_if_any()
    return _Checked(
        data.kind,
        [found[pid] for pid in wanted],
        topic,
        value,
        title,
        minutes,
        occurred_at,
        notes,
        leader,
    )


def _title(checked: _Checked) -> Text:
    """The moment's name in statements: the leader's title, else what it was about."""
    if checked.title:
        return Text(en=checked.title)
    term = v.COACHING_MOMENT if checked.kind == "coaching" else v.MENTORING_SESSION
    about = checked.topic or checked.value
    if about is None:
        return Text(term.en.capitalize(), term.nl.capitalize())
    return Text(
        f"{term.en.capitalize()}: {about.name_en}",
        f"{term.nl.capitalize()}: {about.name_nl or about.name_en}",
    )


def _statements(
    session: Session,
    leader: Person,
    row: LeaderLedRecord,
    checked: _Checked,
    pub: Publishing,
) -> list[Statement]:
    leader_identity = statement_identity(session, leader)
    title = _title(checked)
    topic = topic_ref(checked.topic, pub.options) if checked.topic else None
    value = value_ref(checked.value, pub.options) if checked.value else None
    return [
        mentoring_moment(
            MentoringMoment(
                kind=checked.kind,
                leader=leader_identity,
                learner=statement_identity(session, person),
                moment_id=str(row.activity_iri),
                title=title,
                relationship=relationship(leader.id, person.id, pub.site),
                occurred_at=checked.occurred_at,
                duration=timedelta(minutes=checked.minutes),
                notes=checked.notes or None,
                topic=topic,
                company_value=value,
            ),
            pub.options,
        )
        for person in checked.people
    ]


def _apply(row: LeaderLedRecord, checked: _Checked) -> None:
    row.kind = KINDS[checked.kind]
    row.title = checked.title or None
    row.topic = checked.topic.slug if checked.topic else None
    row.company_value_id = checked.value.id if checked.value else None
    row.occurred_at = checked.occurred_at
    row.duration_seconds = checked.minutes * 60
    row.notes = checked.notes or None


def record_moment(
    session: Session, actor: Actor, *, data: MomentInput, pub: Publishing, now: datetime
) -> LeaderLedRecord:
    """Store the moment and queue its statements, in the caller's transaction."""
    checked = check(session, actor, actor.team_id, data, now)
    leader = checked.leader or session.get_one(Person, actor.person_id)
    row = LeaderLedRecord(
        leader_id=leader.id,
        team_id=actor.team_id,
        activity_iri=pub.new_activity_iri("moments"),
        details={},
    )
    _apply(row, checked)
    participants = [
        RecordParticipant(person_id=p.id, role=ParticipantRole.LEARNER) for p in checked.people
    ]
    return recording.record(
        session, row, _statements(session, leader, row, checked, pub), participants=participants
    )


def update_moment(
    session: Session,
    actor: Actor,
    *,
    record_id: int,
    data: MomentInput,
    pub: Publishing,
    now: datetime,
) -> LeaderLedRecord:
    """Correct a moment: its statements are voided and replaced."""
    row = own_active_record(session, actor, record_id, kinds=tuple(KINDS.values()))
    checked = check(session, actor, row.team_id, data, now)
    leader = checked.leader or session.get_one(Person, actor.person_id)
    _apply(row, checked)
    set_participants(row, ParticipantRole.LEARNER, [p.id for p in checked.people])
    leader_identity = statement_identity(session, leader)
    return recording.correct(
        session,
        row,
        _statements(session, leader, row, checked, pub),
        recording.voiding_by(leader_identity, pub.options),
    )


def statements_for_record(
    session: Session, row: LeaderLedRecord, pub: Publishing
) -> list[Statement]:
    """The statements ``row`` stands for as it is now, for a correction made
    outside the form (a person erased from it): one per person still in it."""
    people = [
        session.get_one(Person, p.person_id)
        for p in row.participants
        if p.role is ParticipantRole.LEARNER
    ]
    kind: MomentKind = "mentoring" if row.kind is RecordKind.MENTORING_SESSION else "coaching"
    checked = _Checked(
        kind,
        people,
        topic_by_slug(session, row.topic),
        row.company_value,
        row.title or "",
        max((row.duration_seconds or 0) // 60, 1),
        row.occurred_at if row.occurred_at.tzinfo else row.occurred_at.replace(tzinfo=UTC),
        row.notes or "",
    )
    return _statements(session, session.get_one(Person, row.leader_id), row, checked, pub)
