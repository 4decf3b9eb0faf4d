"""Privacy: the cost of indexing whom each statement names, and how long an
export, an erasure and a retention run take for a busy leader and a learner.

PostgreSQL scratch database. A leader records knowledge sessions with five of
200 learners each through ``plugin.services.knowledge`` (so the outbox and the
index are the real ones). Recording is timed with the index and, as the
baseline, with ``index_statements`` replaced by a no-op, in alternating
rounds (best of each).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bench._core_setup import scratch_database
from plugin import create_app
from plugin.db import get_db, session_scope
from plugin.models import LtiPlatform, Membership, Person, Role, Team
from plugin.services import knowledge
from plugin.services import outbox as outbox_service
from plugin.services.identity import person_for
from plugin.services.people import Actor
from plugin.services.privacy.erasure import erase
from plugin.services.privacy.export import export_person
from plugin.services.privacy.retention import run_retention
from plugin.services.privacy.settings import set_retention
from plugin.services.privacy.subjects import index_statements
from plugin.services.publishing import publishing_for
from statements.identity import Identity

ISSUER = "https://moodle.bench.example"
LEARNERS = 200
RECORDS = 1000  # for the export / erasure / retention figures
ROUND = 100  # records per timed recording round
ROUNDS = 3
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _org(app: Any) -> tuple[Actor, list[int]]:
    with session_scope(app) as session:
        session.add(
            LtiPlatform(issuer=ISSUER, name="Bench", auth_login_url=ISSUER, jwks_url=ISSUER)
        )
        team = Team(platform_issuer=ISSUER, context_id="bench", title="Bench")
        session.add(team)
        people = []
        for n in range(LEARNERS + 1):
            identity = Identity.account(ISSUER, f"u{n}")
            person = person_for(session, [identity], display_name=f"Person {n}")
            person.statement_key = identity.key()
            people.append(person)
        session.flush()
        for n, person in enumerate(people):
            role = Role.LEADER if n == 0 else Role.LEARNER
            session.add(Membership(person=person, team=team, role=role))
        session.flush()
        return Actor(people[0].id, Role.LEADER, team.id), [p.id for p in people[1:]]


def _record(app: Any, leader: Actor, learners: list[int], count: int, start: int) -> None:
    with session_scope(app) as session:
        pub = publishing_for(session, app.config["LEADERLED"], ISSUER)
        for n in range(start, start + count):
            attendees = tuple(learners[(n * 5 + k) % len(learners)] for k in range(5))
            knowledge.record_session(
                session,
                leader,
                data=knowledge.SessionInput(
                    title=f"Session {n}",
                    topic="products",
                    people=attendees,
                    minutes=30,
                    occurred_at=NOW - timedelta(days=n % 730),
                ),
                pub=pub,
                now=NOW,
            )


def main() -> None:
    with scratch_database() as url:
        app = create_app({"database_url": url, "secret_key": "bench", "public_url": ISSUER})
        with app.app_context():
            leader, learners = _org(app)
            real = index_statements
            with_index: list[float] = []
            without: list[float] = []
            done = 0
            for _ in range(ROUNDS):
                for sink, index in ((without, _no_index), (with_index, real)):
                    setattr(outbox_service, "index_statements", index)  # noqa: B010
                    began = time.perf_counter()
                    _record(app, leader, learners, ROUND, done)
                    sink.append((time.perf_counter() - began) / ROUND)
                    done += ROUND
            setattr(outbox_service, "index_statements", real)  # noqa: B010
            _record(app, leader, learners, RECORDS - done, done)
            base, ours = min(without), min(with_index)
            print(f"recording a session with 5 attendees (6 statements), best of {ROUNDS}:")
            print("| index | ms/record | x baseline |\n|---|---|---|")
            print(f"| none (baseline) | {base * 1000:.1f} | 1.00x |")
            print(f"| statement_subject | {ours * 1000:.1f} | {ours / base:.2f}x |")
            settings = app.config["LEADERLED"]
            learner = learners[7]
            print("\n| action | seconds | detail |\n|---|---|---|")
            for who, name in ((learner, "learner"), (leader.person_id, "leader")):
                with session_scope(app) as session:
                    person = session.get_one(Person, who)
                    began = time.perf_counter()
                    found = export_person(session, person, now=NOW)
                    seconds = time.perf_counter() - began
                rows = sum(found.rows.values())
                size = len(found.data) / 1024
                print(f"| export of the {name} | {seconds:.2f} | {rows} rows, {size:.0f} KiB |")
            for who, name in ((learner, "learner"), (leader.person_id, "leader")):
                with session_scope(app) as session:
                    began = time.perf_counter()
                    erased = erase(session, who, settings=settings, now=NOW)
                    seconds = time.perf_counter() - began
                voided = erased.statements_voided
                changes = len(erased.changes)
                print(
                    f"| erasure of the {name} | {seconds:.2f} | {changes} records, "
                    f"{voided} statements voided |"
                )
            _record(app, *_second_leader(app), RECORDS, 0)
            with session_scope(app) as session:
                set_retention(session, None, records="365", formal=None, access_log=None)
            for label in ("retention run", "retention run again"):
                with session_scope(app) as session:
                    began = time.perf_counter()
                    kept = run_retention(session, settings, NOW)
                    seconds = time.perf_counter() - began
                records = kept.rows.get("leader_led_record", 0)
                print(
                    f"| {label} | {seconds:.2f} | {records} records, "
                    f"{kept.statements_voided} statements voided |"
                )
        get_db(app).dispose()


def _no_index(session: Session, statements: Iterable[Mapping[str, Any]]) -> None:
    """The baseline: no index of whom statements name."""


def _second_leader(app: Any) -> tuple[Actor, list[int]]:
    """A new leader of the same team (the first one was erased)."""
    with session_scope(app) as session:
        team = session.query(Team).one()
        identity = Identity.account(ISSUER, "leader-2")
        person = person_for(session, [identity], display_name="Second leader")
        person.statement_key = identity.key()
        session.add(Membership(person=person, team=team, role=Role.LEADER))
        session.flush()
        learners = [m.person_id for m in session.query(Membership).filter_by(role=Role.LEARNER)]
        return Actor(person.id, Role.LEADER, team.id), learners
