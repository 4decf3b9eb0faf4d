"""Demo data: one team, its people, their leader-led records and formal records.

The people are the demo LMS's users (same ``sub``), so a launch from the demo
LMS lands on the records seeded here, and the formal records, written in the
shape Moodle's xAPI log store uses (actor ``account {homePage: wwwroot,
name: user id}``), resolve to the same people when the sync pulls them back.

Times count back from the start of the current day (UTC). The leader-led
records are made by the services the pages use, so each seed queues new
statements with fresh ids; the formal statements take their id from their
content (:func:`~statements.builders.with_content_id`): seeded again the same
day they are the very same statements (the LRS already has them), another
day different ones with other ids. The demo can run against one LRS any
number of times without a conflict.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.demo.seed_tips import seed_tips
from plugin.models.outbox import OutboxRow
from plugin.models.people import Membership, Person, Role, Team
from plugin.services.confirmations import ConfirmInput, confirm
from plugin.services.identity import person_for
from plugin.services.knowledge import SessionInput, record_session
from plugin.services.moments import MomentInput, record_moment
from plugin.services.people import Actor
from plugin.services.publishing import Publishing
from statements.builders import BuildOptions, with_content_id
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
    """A stable registration, so re-seeded records keep belonging together."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"leaderled-demo/{n}")


def demo_now() -> datetime:
    """The moment the demo counts back from: the start of today, UTC."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def seed(
    session: Session, issuer: str, options: BuildOptions, *, now: datetime | None = None
) -> Seeded:
    """Create the team, its people and a fortnight of leader-led records, through
    the same services the pages use (so the statements are the ones a leader
    would make, queued for the LRS). Statement ids are fresh on every seed:
    a seeded demo can be sent to the same LRS any number of times."""
    now = now or demo_now()
    pub = Publishing(options=options, site=options.base.rsplit("/xapi", 1)[0])
    team = Team(platform_issuer=issuer, context_id=COURSE_ID, title=COURSE_TITLE, label="NORTH")
    session.add(team)
    people: dict[str, Person] = {}
    for sub, name, role in PEOPLE:
        identity = Identity.account(issuer, sub, display=name)
        person = person_for(session, [identity], display_name=name)
        person.statement_key = identity.key()
        session.add(Membership(person=person, team=team, role=role))
        people[sub] = person
    session.flush()
    ada = Actor(person_id=people["2"].id, role=Role.LEADER, team_id=team.id)
    learners = {sub: people[sub].id for sub in ("11", "12", "13")}
    records = 0

    sessions = (
        ("products", "What is new in the spring range", 45),
        ("distribution-channels", "How the web shop hands over to stores", 30),
        ("operations", "Closing the month without overtime", 60),
    )
    taught = []
    for n, (topic, title, minutes) in enumerate(sessions):
        row = record_session(
            session,
            ada,
            data=SessionInput(
                title=title,
                topic=topic,
                people=tuple(learners.values()),
                minutes=minutes,
                occurred_at=now - timedelta(days=12 - 4 * n, hours=2),
                material_title="Coaching guide",
            ),
            pub=pub,
            now=now,
        )
        taught.append(row)
        records += 1

    moments = (
        ("coaching", "Feedback after the client call", "11", 10),
        ("mentoring", "Monthly mentoring talk", "11", 30),
        ("coaching", "Preparing the first customer visit", "13", 15),
    )
    for n, (kind, title, sub, minutes) in enumerate(moments):
        record_moment(
            session,
            ada,
            data=MomentInput(
                kind=kind,  # type: ignore[arg-type]  # one of the MomentKind literals
                people=(learners[sub],),
                minutes=minutes,
                occurred_at=now - timedelta(days=9 - 3 * n, hours=1),
                title=title,
                notes="Private note: stays in Leaderled.",
            ),
            pub=pub,
            now=now,
        )
        records += 1

    bo = Actor(person_id=learners["11"], role=Role.LEARNER, team_id=team.id)
    confirm(
        session,
        bo,
        record_id=taught[0].id,
        data=ConfirmInput(rating=5, comment="Clear and practical."),
        pub=pub,
        now=now - timedelta(days=11),
    )
    records += 1
    session.flush()
    tips = seed_tips(session, issuer, options, team=team, people=people, now=now)
    session.flush()
    queued = session.scalar(select(func.count()).select_from(OutboxRow)) or 0
    return Seeded(
        team.id, {s: p.id for s, p in people.items()}, records + tips.records, int(queued)
    )


def moodle_formal_statements(issuer: str, *, now: datetime | None = None) -> list[Statement]:
    """Formal records as Moodle's xAPI log store writes them: course completions,
    quiz attempts with scores and a badge, for the demo team's learners."""
    now = now or demo_now()
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
            "actor": actor(*who),
            "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[-1]}},
            "object": obj,
            "timestamp": (now - timedelta(days=21 - n)).isoformat().replace("+00:00", "Z"),
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
        return with_content_id(made)

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
