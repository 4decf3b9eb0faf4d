"""Demo data: one team, its people, their leader-led records and formal records.

The people are the demo LMS's users (same ``sub``), so a launch from the demo
LMS lands on the records seeded here, and the formal records, written in the
shape Moodle's xAPI log store uses (actor ``account {homePage: wwwroot,
name: user id}``), resolve to the same people when the sync pulls them back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from plugin.demo.seed_tips import seed_tips
from plugin.models.people import Membership, Person, Role, Team
from plugin.models.records import LeaderLedRecord, ParticipantRole, RecordKind, RecordParticipant
from plugin.services.identity import person_for
from plugin.services.recording import record
from statements.builders import BuildOptions
from statements.builders.common import CompanyValue, Rating, Text
from statements.builders.confirmation import SessionRated, SessionRef, session_rated
from statements.builders.knowledge import (
    KnowledgeSession,
    SessionTaught,
    knowledge_session_attended,
    knowledge_session_taught,
)
from statements.builders.material import Material, MaterialEvent, material_event
from statements.builders.mentoring import MentoringMoment, mentoring_moment
from statements.identity import Identity

Statement = dict[str, Any]

#: (sub, display name, role) as in the demo LMS (plugin.lti_platform.demo).
PEOPLE: tuple[tuple[str, str, Role], ...] = (
    ("2", "Ada Leader", Role.LEADER),
    ("11", "Bo Learner", Role.LEARNER),
    ("1", "Cy Admin", Role.LND_ADMIN),
    ("12", "Dee Colleague", Role.LEARNER),
    ("13", "Eli Newcomer", Role.LEARNER),
    ("14", "Fay Expert", Role.LEADER),
)
COURSE_ID = "5"
COURSE_TITLE = "Team North onboarding"


@dataclass(frozen=True)
class Seeded:
    team_id: int
    people: dict[str, int]  # sub -> person id
    records: int
    statements: int


def _uuid(n: int) -> uuid.UUID:
    """Stable ids, so a re-seeded demo sends the same statements (the LRS dedupes)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"leaderled-demo/{n}")


def seed(
    session: Session, issuer: str, options: BuildOptions, *, now: datetime | None = None
) -> Seeded:
    """Create the team, people and a fortnight of leader-led records (queued for the LRS)."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    site = options.base.rsplit("/xapi", 1)[0]
    team = Team(platform_issuer=issuer, context_id=COURSE_ID, title=COURSE_TITLE, label="NORTH")
    session.add(team)
    people: dict[str, Person] = {}
    identities: dict[str, Identity] = {}
    for sub, name, role in PEOPLE:
        identity = Identity.account(issuer, sub, display=name)
        person = person_for(session, [identity], display_name=name)
        session.add(Membership(person=person, team=team, role=role))
        people[sub], identities[sub] = person, identity
    session.flush()

    ada, bo, dee, eli = (identities[s] for s in ("2", "11", "12", "13"))
    value = CompanyValue(f"{site}/values/customer-first", Text("Customer first", "Klant eerst"))
    guide = Material(
        f"{site}/materials/coaching-guide",
        Text("Coaching guide", "Coachingswijzer"),
        "coaching-guideline",
    )
    relationship = _uuid(100)
    count = 0
    statements = 0

    def keep(
        kind: RecordKind,
        title: str,
        when: datetime,
        built: Sequence[Statement],
        participants: Sequence[tuple[str, ParticipantRole]] = (),
        *,
        topic: str | None = None,
        minutes: int | None = None,
        rating: int | None = None,
        registration: uuid.UUID | None = None,
    ) -> None:
        nonlocal count, statements
        row = LeaderLedRecord(
            kind=kind,
            leader_id=people["2"].id,
            team_id=team.id,
            title=title,
            topic=topic,
            occurred_at=when,
            duration_seconds=minutes * 60 if minutes else None,
            rating=rating,
            registration=str(registration) if registration else None,
        )
        record(
            session,
            row,
            list(built),
            participants=[RecordParticipant(person=people[s], role=r) for s, r in participants],
        )
        count += 1
        statements += len(built)

    sessions: list[tuple[str, str, str, int]] = [
        (
            "products",
            "What is new in the spring range",
            "Wat is er nieuw in de voorjaarscollectie",
            45,
        ),
        (
            "distribution-channels",
            "How the web shop hands over to stores",
            "Hoe de webshop overdraagt aan winkels",
            30,
        ),
        (
            "operations",
            "Closing the month without overtime",
            "De maand afsluiten zonder overwerk",
            60,
        ),
    ]
    for n, (topic, en, nl, minutes) in enumerate(sessions):
        when = now - timedelta(days=12 - 4 * n, hours=2)
        ks = KnowledgeSession(f"{site}/sessions/{n + 1}", Text(en, nl), topic)  # type: ignore[arg-type]
        event = SessionTaught(ada, ks, when, timedelta(minutes=minutes), (bo, dee, eli), (guide,))
        built: list[Statement] = [
            knowledge_session_taught(event, options, statement_id=_uuid(n * 10))
        ]
        built += [
            knowledge_session_attended(a, options, statement_id=_uuid(n * 10 + i + 1))
            for i, a in enumerate(event.attendances())
        ]
        keep(
            RecordKind.KNOWLEDGE_SESSION,
            en,
            when,
            built,
            [(s, ParticipantRole.ATTENDEE) for s in ("11", "12", "13")],
            topic=topic,
            minutes=minutes,
        )

    moments: list[tuple[str, str, Identity, str, int]] = [
        ("coaching", "Feedback after the client call", bo, "11", 10),
        ("mentoring", "Monthly mentoring talk", bo, "11", 30),
        ("coaching", "Preparing the first customer visit", eli, "13", 15),
    ]
    for n, (kind, title, learner, sub, minutes) in enumerate(moments):
        when = now - timedelta(days=9 - 3 * n, hours=1)
        moment = MentoringMoment(
            kind,  # type: ignore[arg-type]
            ada,
            learner,
            f"{site}/moments/{n + 1}",
            Text(title),
            relationship,
            when,
            timedelta(minutes=minutes),
            notes="Private note: stays in Leaderled.",
        )
        keep(
            RecordKind.COACHING_MOMENT if kind == "coaching" else RecordKind.MENTORING_SESSION,
            title,
            when,
            [mentoring_moment(moment, options, statement_id=_uuid(100 + n))],
            [(sub, ParticipantRole.LEARNER)],
            minutes=minutes,
            registration=relationship,
        )

    when = now - timedelta(days=2)
    keep(
        RecordKind.MATERIAL_SHARED,
        "Coaching guide",
        when,
        [
            material_event(
                MaterialEvent("shared", ada, guide, when, value), options, statement_id=_uuid(200)
            )
        ],
    )
    rated = SessionRated(
        bo,
        ada,
        SessionRef(f"{site}/sessions/1", Text(sessions[0][1]), "knowledge-session"),
        Rating(5),
        now - timedelta(days=11),
    )
    keep(
        RecordKind.CONFIRMATION,
        "Rated: " + sessions[0][1],
        rated.occurred_at,
        [session_rated(rated, options, statement_id=_uuid(300))],
        [("11", ParticipantRole.LEARNER)],
        rating=5,
    )
    session.flush()
    tips = seed_tips(session, issuer, options, team=team, people=people, now=now)
    return Seeded(
        team.id,
        {s: p.id for s, p in people.items()},
        count + tips.records,
        statements + tips.statements,
    )


def moodle_formal_statements(issuer: str, *, now: datetime | None = None) -> list[Statement]:
    """Formal records as Moodle's xAPI log store writes them: course completions,
    quiz attempts with scores and a badge, for the demo team's learners."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    moodle = {
        "id": issuer,
        "definition": {
            "type": "http://id.tincanapi.com/activitytype/lms",
            "name": {"en": "Demo LMS"},
        },
    }

    def actor(sub: str, name: str) -> dict[str, Any]:
        return {"objectType": "Agent", "name": name, "account": {"homePage": issuer, "name": sub}}

    def statement(
        n: int, who: tuple[str, str], verb: str, obj: dict[str, Any], **extra: Any
    ) -> Statement:
        made: Statement = {
            "id": str(_uuid(1000 + n)),
            "actor": actor(*who),
            "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[-1]}},
            "object": obj,
            "timestamp": (now - timedelta(days=20 - n)).isoformat().replace("+00:00", "Z"),
            "context": {
                "platform": "Moodle",
                "language": "en",
                "contextActivities": {
                    "grouping": [moodle],
                    "category": [
                        {
                            "id": "http://moodle.org",
                            "definition": {
                                "type": "http://id.tincanapi.com/activitytype/source",
                                "name": {"en": "Moodle"},
                            },
                        }
                    ],
                },
            },
        }
        made.update(extra)
        return made

    def course(
        cid: str, title: str, kind: str = "https://w3id.org/xapi/cmi5/activitytype/course"
    ) -> dict[str, Any]:
        """Newer log store releases type courses as cmi5 courses; older ones as lms/course."""
        return {
            "objectType": "Activity",
            "id": f"{issuer}/course/view.php?id={cid}",
            "definition": {"type": kind, "name": {"en": title}},
        }

    quiz = {
        "objectType": "Activity",
        "id": f"{issuer}/mod/quiz/view.php?id=31",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/assessment",
            "name": {"en": "Product knowledge quiz"},
        },
    }
    completed = "http://adlnet.gov/expapi/verbs/completed"
    learners = [("11", "Bo Learner"), ("12", "Dee Colleague"), ("13", "Eli Newcomer")]
    made: list[Statement] = []
    for i, who in enumerate(learners):
        made.append(
            statement(i, who, completed, course("7", "Safety basics"), result={"completion": True})
        )
        scaled = (0.9, 0.55, 0.75)[i]
        made.append(
            statement(
                10 + i,
                who,
                completed,
                quiz,
                result={
                    "score": {"raw": round(scaled * 20), "min": 0, "max": 20, "scaled": scaled},
                    "completion": True,
                    "success": scaled >= 0.6,
                    "duration": "PT14M",
                },
            )
        )
    made.append(
        statement(
            20,
            ("2", "Ada Leader"),
            "https://w3id.org/xapi/tla/verbs/achieved",
            {
                "objectType": "Activity",
                "id": f"{issuer}/badges/badge.php?hash=trainer",
                "definition": {
                    "type": "http://activitystrea.ms/schema/1.0/badge",
                    "name": {"en": "Certified trainer"},
                },
            },
        )
    )
    older = course("3", "Leading teams", "http://id.tincanapi.com/activitytype/lms/course")
    made.append(statement(21, ("2", "Ada Leader"), completed, older, result={"completion": True}))
    return made
