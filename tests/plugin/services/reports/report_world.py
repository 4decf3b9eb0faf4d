"""A small, hand-made organisation whose report figures are worked out by hand
in the tests (DESIGN section 11): two teams, three leaders, three learners,
an L&D admin; records in and around the first quarter of 2025."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from plugin.models.catalogue import CompanyValue
from plugin.models.formal import FormalRecord
from plugin.models.people import Membership, Person, Role, Team
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
    RecordState,
    RecordStatement,
    StatementRole,
)

ADL = "http://adlnet.gov/expapi/verbs/"


def at(month: int, day: int, year: int = 2025) -> datetime:
    """10:00 UTC on that day: the figures' day counts depend on the hour."""
    return datetime(year, month, day, 10, tzinfo=UTC)


@dataclass
class ReportWorld:
    people: dict[str, int] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)


def build(session: Session) -> ReportWorld:
    world = ReportWorld()
    for name in ("north", "south"):
        team = Team(platform_issuer="https://lms.example", context_id=name, title=name)
        session.add(team)
        session.flush()
        world.teams[name] = team.id
    members = {
        "ada": [("north", Role.LEADER)],
        "gus": [("north", Role.LEADER)],  # leads, never teaches
        "fay": [("south", Role.LEADER)],
        "bo": [("north", Role.LEARNER)],
        "dee": [("north", Role.LEARNER)],
        "eli": [("south", Role.LEARNER)],
        "cy": [("north", Role.LND_ADMIN)],
    }
    for name, roles in members.items():
        person = Person(display_name=name)
        session.add(person)
        session.flush()
        world.people[name] = person.id
        for team_name, role in roles:
            session.add(Membership(person_id=person.id, team_id=world.teams[team_name], role=role))
    value = CompanyValue(slug="customer-first", name_en="Customer first", name_nl="Klant eerst")
    session.add(value)
    session.flush()
    p, t = world.people, world.teams

    def record(
        key: str,
        kind: RecordKind,
        leader: str,
        team: str,
        when: datetime,
        seconds: int | None = None,
        *,
        people: tuple[tuple[str, ParticipantRole], ...] = (),
        topic: str | None = None,
        value_id: int | None = None,
        rating: int | None = None,
        parent: str | None = None,
        state: RecordState = RecordState.ACTIVE,
    ) -> None:
        row = LeaderLedRecord(
            kind=kind,
            state=state,
            leader_id=p[leader],
            team_id=t[team],
            title=key,
            topic=topic,
            company_value_id=value_id,
            occurred_at=when,
            duration_seconds=seconds,
            rating=rating,
            parent_id=world.records[parent] if parent else None,
            details={},
        )
        row.participants = [RecordParticipant(person_id=p[n], role=r) for n, r in people]
        session.add(row)
        session.flush()
        world.records[key] = row.id

    A, L, N = ParticipantRole.ATTENDEE, ParticipantRole.LEARNER, ParticipantRole.NEW_TRAINER
    K = RecordKind
    record(
        "r1",
        K.KNOWLEDGE_SESSION,
        "ada",
        "north",
        at(1, 10),
        3600,
        people=(("bo", A), ("dee", A)),
        topic="products",
        value_id=value.id,
    )
    record("r2", K.COACHING_MOMENT, "ada", "north", at(2, 1), 1800, people=(("bo", L),))
    record("r3", K.MENTORING_SESSION, "fay", "south", at(3, 1), 2700, people=(("eli", L),))
    record("r4", K.COACHING_MOMENT, "ada", "north", at(12, 20, 2024), 600, people=(("dee", L),))
    record("r5", K.KNOWLEDGE_SESSION, "fay", "south", at(2, 15), 1200, people=(("eli", A),))
    record(
        "r6",
        K.COACHING_MOMENT,
        "ada",
        "north",
        at(3, 10),
        900,
        people=(("bo", L),),
        state=RecordState.DELETED,
    )
    record("r7", K.MATERIAL_USED, "ada", "north", at(1, 20))
    record("r8", K.GOAL_SET, "ada", "north", at(1, 5))
    record("r9", K.GOAL_MET, "ada", "north", at(3, 20))
    record("r10", K.EXPECTATION_ACKNOWLEDGED, "ada", "north", at(1, 3))
    record("r11", K.EXPECTATION_ACKNOWLEDGED, "fay", "south", at(1, 4))
    record(
        "r12",
        K.TTT_SESSION,
        "ada",
        "north",
        at(11, 1, 2024),
        7200,
        people=(("fay", ParticipantRole.EXPERIENCED_TRAINER), ("ada", N)),
    )
    record("r13", K.FEEDBACK, "fay", "north", at(2, 20), rating=4, people=(("ada", N),))
    record("r14", K.CONFIRMATION, "bo", "north", at(2, 2), rating=5, parent="r2")
    record("r15", K.CONFIRMATION, "dee", "north", at(1, 11), rating=3, parent="r1")
    record("r16", K.CONFIRMATION, "eli", "south", at(3, 2), parent="r3")
    record("r17", K.CONFIRMATION, "eli", "south", at(2, 16), rating=4, parent="r5")

    session.add_all(
        [
            RecordStatement(
                record_id=world.records["r2"], statement_id=STATED, role=StatementRole.STATES
            ),
            RecordStatement(
                record_id=world.records["r2"],
                statement_id=VOIDED,
                role=StatementRole.STATES,
                voided=True,
            ),
        ]
    )

    def formal(sid: str, person: str, verb: str, when: datetime, **values: object) -> None:
        session.add(
            FormalRecord(
                statement_id=sid,
                lrs="main",
                person_id=p[person],
                origin="formal",
                source="moodle",
                verb=ADL + verb,
                timestamp=when,
                **values,
            )
        )

    formal(
        F1,
        "bo",
        "completed",
        at(1, 15),
        kind="achievement",
        success=True,
        completion=True,
        is_outcome=True,
        duration_seconds=1200.0,
        activity_name="Safety",
    )
    formal(
        F2,
        "eli",
        "failed",
        at(2, 10),
        kind="achievement",
        success=False,
        is_outcome=True,
        registration="reg-e",
    )
    formal(
        F3,
        "eli",
        "terminated",
        at(2, 10),
        kind="other",
        duration_seconds=600.0,
        registration="reg-e",
    )
    formal(
        F4,
        "dee",
        "completed",
        at(1, 20),
        kind="achievement",
        completion=True,
        is_outcome=True,
        voided=True,
    )
    formal(
        F5, "bo", "completed", at(12, 1, 2024), kind="achievement", completion=True, is_outcome=True
    )
    formal(F6, "bo", "initialized", at(1, 15), kind="attempt")
    session.flush()
    return world


STATED = "00000000-0000-4000-8000-000000000002"
VOIDED = "00000000-0000-4000-8000-000000000003"
F1 = "00000000-0000-4000-8000-0000000000f1"
F2 = "00000000-0000-4000-8000-0000000000f2"
F3 = "00000000-0000-4000-8000-0000000000f3"
F4 = "00000000-0000-4000-8000-0000000000f4"
F5 = "00000000-0000-4000-8000-0000000000f5"
F6 = "00000000-0000-4000-8000-0000000000f6"
