"""Tip 1, leaders share knowledge: a leader records a knowledge session.

One record per session with its attendees as participants; statements: the
leader "taught" it (attendee count, topic, company value, material in
context) and each attendee "attended" it with the leader as instructor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.catalogue import CompanyValue, TopicCategory
from plugin.models.people import Person
from plugin.models.records import LeaderLedRecord, ParticipantRole, RecordKind, RecordParticipant
from plugin.services import input_rules as rules
from plugin.services import recording
from plugin.services.catalogue import topic_by_slug, topic_ref, value_ref
from plugin.services.errors import Checks
from plugin.services.people import Actor, leader_and_members, statement_identity
from plugin.services.publishing import Publishing
from plugin.services.record_access import own_active_record, set_participants
from statements.builders import (
    KnowledgeSession,
    Material,
    SessionTaught,
    Statement,
    Text,
    knowledge_session_attended,
    knowledge_session_taught,
)
from statements.validation.iri import iri_problem

MAX_ATTENDEES = 500
DEFAULT_MINUTES = 60
MAX_MATERIAL_URL = 1000


@dataclass(frozen=True)
class SessionInput:
    title: str
    topic: str | None
    people: tuple[int, ...]
    minutes: int | None
    occurred_at: datetime | None
    value_id: int | None = None
    material_title: str = ""
    material_url: str = ""
    notes: str = ""
    extra_materials: tuple[Material, ...] = field(default=())


@dataclass(frozen=True)
class _Checked:
    title: str
    topic: TopicCategory
    value: CompanyValue | None
    people: list[Person]
    minutes: int
    occurred_at: datetime
    material_title: str
    material_url: str
    notes: str
    extra_materials: tuple[Material, ...]
    leader: Person | None = None  # who checked it (None when re-stating a stored record)


def check(
    session: Session, actor: Actor, team_id: int | None, data: SessionInput, now: datetime
) -> _Checked:
    wanted = list(dict.fromkeys(data.people))
    leader, found = leader_and_members(session, actor, team_id, wanted)
    checks = Checks()
    title = rules.title(checks, "title", data.title, required=True)
    topic = topic_by_slug(session, data.topic)
    if not data.topic:
        checks.fail("topic", _("Choose the topic of the session."))
    elif topic is None or topic.retired_at is not None:
        checks.fail("topic", _("Choose one of the topics offered."))
    value = session.get(CompanyValue, data.value_id) if data.value_id is not None else None
    if data.value_id is not None and (value is None or value.retired_at is not None):
        checks.fail("value", _("Choose one of the company values offered."))
    if len(wanted) > MAX_ATTENDEES:
        checks.fail("people", _("Choose at most %(max)d attendees.", max=MAX_ATTENDEES))
    elif actor.person_id in wanted:
        checks.fail("people", _("You taught the session; choose only the people who attended."))
    elif len(found) != len(wanted):
        checks.fail("people", _("Choose attendees from this course's team only."))
    minutes = rules.minutes(checks, "minutes", data.minutes)
    occurred_at = rules.moment(checks, "occurred_at", data.occurred_at, now)
    material_title = rules.title(checks, "material_title", data.material_title, required=False)
    material_url = data.material_url.strip()
    if material_url:
        problem = iri_problem(material_url)
        if len(material_url) > MAX_MATERIAL_URL:
            checks.fail("material_url", _("The link must be 1000 characters or fewer."))
        elif problem or not material_url.lower().startswith(("http://", "https://")):
            checks.fail(
                "material_url",
                _(
                    "Enter a full web address starting with https://, such as https://intranet.example.org/guide."
                ),
            )
    notes = rules.notes(checks, "notes", data.notes)
    checks.raise_if_any()
    assert topic is not None
    return _Checked(
        title,
        topic,
        value,
        [found[pid] for pid in wanted],
        minutes,
        occurred_at,
        material_title,
        material_url,
        notes,
        data.extra_materials,
        leader,
    )


def _statements(
    session: Session, leader: Person, row: LeaderLedRecord, checked: _Checked, pub: Publishing
) -> list[Statement]:
    materials = list(checked.extra_materials)
    if checked.material_url:
        name = checked.material_title or checked.material_url
        materials.append(Material(checked.material_url, Text(en=name[: rules.MAX_TITLE])))
    event = SessionTaught(
        leader=statement_identity(session, leader),
        session=KnowledgeSession(
            str(row.activity_iri),
            Text(en=checked.title),
            topic_ref(checked.topic, pub.options),
            value_ref(checked.value, pub.options) if checked.value else None,
        ),
        occurred_at=checked.occurred_at,
        duration=timedelta(minutes=checked.minutes),
        attendees=tuple(statement_identity(session, p) for p in checked.people),
        materials=tuple(materials),
    )
    built = [knowledge_session_taught(event, pub.options)]
    built += [knowledge_session_attended(a, pub.options) for a in event.attendances()]
    return built


def _apply(row: LeaderLedRecord, checked: _Checked) -> None:
    row.title = checked.title
    row.topic = checked.topic.slug
    row.company_value_id = checked.value.id if checked.value else None
    row.occurred_at = checked.occurred_at
    row.duration_seconds = checked.minutes * 60
    row.notes = checked.notes or None
    details = dict(row.details or {})
    details["material_title"] = checked.material_title or None
    details["material_url"] = checked.material_url or None
    details["materials"] = [m.id for m in checked.extra_materials]
    row.details = details


def record_session(
    session: Session, actor: Actor, *, data: SessionInput, pub: Publishing, now: datetime
) -> LeaderLedRecord:
    checked = check(session, actor, actor.team_id, data, now)
    leader = checked.leader or session.get_one(Person, actor.person_id)
    row = LeaderLedRecord(
        kind=RecordKind.KNOWLEDGE_SESSION,
        leader_id=leader.id,
        team_id=actor.team_id,
        activity_iri=pub.new_activity_iri("sessions"),
        details={},
    )
    _apply(row, checked)
    participants = [
        RecordParticipant(person_id=p.id, role=ParticipantRole.ATTENDEE) for p in checked.people
    ]
    return recording.record(
        session, row, _statements(session, leader, row, checked, pub), participants=participants
    )


def update_session(
    session: Session,
    actor: Actor,
    *,
    record_id: int,
    data: SessionInput,
    pub: Publishing,
    now: datetime,
) -> LeaderLedRecord:
    row = own_active_record(session, actor, record_id, kinds=(RecordKind.KNOWLEDGE_SESSION,))
    checked = check(session, actor, row.team_id, data, now)
    leader = checked.leader or session.get_one(Person, actor.person_id)
    _apply(row, checked)
    set_participants(row, ParticipantRole.ATTENDEE, [p.id for p in checked.people])
    return recording.correct(
        session,
        row,
        _statements(session, leader, row, checked, pub),
        recording.voiding_by(statement_identity(session, leader), pub.options),
    )


def statements_for_record(
    session: Session, row: LeaderLedRecord, pub: Publishing
) -> list[Statement]:
    """The statements ``row`` stands for as it is now, for a correction made
    outside the form (a person erased from it): taught, and one attended per
    attendee still in it. Extra materials are known here by IRI only."""
    details = row.details or {}
    topic = topic_by_slug(session, row.topic)
    if topic is None:
        raise ValueError(f"record {row.id} has no topic to re-state")
    checked = _Checked(
        row.title or "",
        topic,
        row.company_value,
        [
            session.get_one(Person, p.person_id)
            for p in row.participants
            if p.role is ParticipantRole.ATTENDEE
        ],
        max((row.duration_seconds or 0) // 60, 1),
        row.occurred_at if row.occurred_at.tzinfo else row.occurred_at.replace(tzinfo=UTC),
        details.get("material_title") or "",
        details.get("material_url") or "",
        row.notes or "",
        tuple(Material(iri, Text(en=iri)) for iri in details.get("materials") or ()),
    )
    return _statements(session, session.get_one(Person, row.leader_id), row, checked, pub)
