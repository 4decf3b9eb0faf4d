"""Demo data for tips 3 to 5: company values and a priority, library
materials, a second team with new leaders, an experienced trainer paired
with the demo leader, expectations to acknowledge, and material shared with
the team.

Written through the same services the pages use, as the L&D admin and the
leader would, so every event has its statements in the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.models.outbox import OutboxRow
from plugin.models.people import Membership, Person, Role, Team
from plugin.models.records import LeaderLedRecord
from plugin.models.trainers import Trainer
from plugin.services import catalogue_admin, expectations, materials, pairings
from plugin.services.identity import person_for
from plugin.services.people import Actor
from plugin.services.publishing import Publishing
from statements.builders import BuildOptions
from statements.identity import Identity

#: (sub, name) of team South's leaders, both new to teaching.
SOUTH = (("20", "Gus Newleader"), ("21", "Hana Newleader"))
SOUTH_COURSE = ("6", "Team South sales", "SOUTH")


@dataclass(frozen=True)
class TipsSeeded:
    records: int
    statements: int


def seed_tips(
    session: Session,
    issuer: str,
    options: BuildOptions,
    *,
    team: Team,
    people: dict[str, Person],
    now: datetime,
) -> TipsSeeded:
    """``people`` by sub (the demo's): 1 is L&D, 2 the leader, 14 the experienced trainer."""
    site = options.base.rsplit("/xapi", 1)[0]
    pub = Publishing(options=options, site=site)
    before = _counts(session)
    admin = Actor(people["1"].id, Role.LND_ADMIN, team.id)
    leader = Actor(people["2"].id, Role.LEADER, team.id)

    value = catalogue_admin.create_value(
        session,
        admin,
        catalogue_admin.ValueInput(
            "Customer first", "Klant eerst", "value", "Every choice starts with the customer."
        ),
    )
    safety = catalogue_admin.create_value(
        session, admin, catalogue_admin.ValueInput("Safety always", "Altijd veilig", "value")
    )
    belgium = catalogue_admin.create_value(
        session,
        admin,
        catalogue_admin.ValueInput("Grow in Belgium", "Groeien in België", "priority"),
    )
    topic = catalogue_admin.create_topic(
        session, admin, catalogue_admin.TopicInput("Onboarding", "Inwerken")
    )

    library = [
        (
            "Coaching guide",
            "coaching-guideline",
            "en",
            (value.id,),
            (topic.id,),
            "Five questions for a coaching moment of fifteen minutes.",
        ),
        (
            "Giving feedback in five minutes",
            "best-practice",
            "en",
            (value.id, safety.id),
            (),
            "What went well, one thing to try, and a date to look back.",
        ),
        (
            "Voorjaarscollectie: de presentatie",
            "training-material",
            "nl",
            (belgium.id,),
            (),
            "De dia's voor een kennissessie over de voorjaarscollectie.",
        ),
    ]
    made = []
    for title, kind, language, values, topics, description in library:
        made.append(
            materials.create_material(
                session,
                admin,
                materials.MaterialInput(
                    title=title,
                    kind=kind,
                    language=language,
                    description=description,
                    url="https://intranet.example.org/leader-led/" + title.split()[0].lower(),
                    value_ids=values,
                    topic_ids=topics,
                ),
                store=None,
                max_bytes=0,
                site=site,
            )
        )
    materials.share(session, leader, made[0].id, materials.ShareInput("team"), pub=pub, now=now)

    south = Team(
        platform_issuer=issuer,
        context_id=SOUTH_COURSE[0],
        title=SOUTH_COURSE[1],
        label=SOUTH_COURSE[2],
    )
    session.add(south)
    for sub, name in SOUTH:
        person = person_for(
            session, [Identity.account(issuer, sub, display=name)], display_name=name
        )
        session.add(Membership(person=person, team=south, role=Role.LEADER))
    session.add(Trainer(person_id=people["14"].id, capacity=2))
    session.flush()
    today = now.date()
    pairings.pair(
        session,
        admin,
        pairings.PairingInput(
            people["2"].id, people["14"].id, today - timedelta(days=14), today + timedelta(days=166)
        ),
        pub=pub,
        now=now,
        today=today,
    )

    expectations.create(
        session,
        admin,
        expectations.ExpectationInput(
            "Run one knowledge session a quarter",
            "Geef elk kwartaal één kennissessie",
            "trainer",
            None,
            "knowledge_sessions",
            1,
            "quarter",
        ),
        site=site,
    )
    expectations.create(
        session,
        admin,
        expectations.ExpectationInput(
            "Coach each team member monthly",
            "Coach elk teamlid maandelijks",
            "leader",
            team.id,
            "team_members_coached",
            1,
            "month",
        ),
        site=site,
    )
    after = _counts(session)
    return TipsSeeded(after[0] - before[0], after[1] - before[1])


def _counts(session: Session) -> tuple[int, int]:
    records = session.scalar(select(func.count()).select_from(LeaderLedRecord)) or 0
    statements = session.scalar(select(func.count()).select_from(OutboxRow)) or 0
    return int(records), int(statements)
