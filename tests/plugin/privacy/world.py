"""An organisation with data about one person in every place Leaderled keeps
any, built through the real services (so statements, the outbox and the
index of whom they name are real), plus a generic filler that gives every
other personal table of the registry a row about that person, so a table
added later is covered by the schema-driven tests without a change here."""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import JSON, Boolean, Date, DateTime, Enum, Float, Integer, String, Table, Text
from sqlalchemy import select as sql_select
from sqlalchemy.orm import Session

from plugin.config import Settings
from plugin.db import Base, session_scope
from plugin.lti.nonces import digest
from plugin.models import (
    FormalRecord,
    LtiClient,
    LtiDeployment,
    LtiLaunchSession,
    LtiPlatform,
    Membership,
    Person,
    Role,
    Team,
)
from plugin.models.lti import DeploymentStatus
from plugin.models.privacy import AccessKind
from plugin.services import confirmations, knowledge, moments
from plugin.services.identity import person_for
from plugin.services.people import Actor
from plugin.services.privacy import access_log
from plugin.services.privacy.lookup import subject_of
from plugin.services.privacy.registry import REGISTRY, Kind, Subject, related_rows
from plugin.services.publishing import publishing_for
from statements.identity import Identity

ISSUER = "https://moodle.example.org"
SITE = "http://localhost"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

#: Strings that only Bo's data contains: none may be left after Bo's erasure.
BO_MARKERS = ("Zeldzaam", "bo.zeldzaam", "bo-4711", "Useful for Bo")
ADA_MARKERS = ("Leidster", "ada.leidster", "ada-0002")

PEOPLE = {
    # key: (LMS id, name, email)
    "ada": ("ada-0002", "Ada Leidster", "ada.leidster@example.org"),
    "bo": ("bo-4711", "Bo Zeldzaam", "bo.zeldzaam@example.org"),
    "cy": ("cy-0001", "Cy Beheer", "cy@example.org"),
    "dee": ("dee-0012", "Dee Anders", "dee@example.org"),
    "eli": ("eli-0013", "Eli Nieuw", "eli@example.org"),
    "gus": ("gus-0020", "Gus Zuid", "gus@example.org"),
    "hal": ("hal-0021", "Hal Zuid", "hal@example.org"),
}


@dataclass
class Org:
    app: Flask
    people: dict[str, int]
    team: int
    other_team: int
    deployment: int
    records: dict[str, int] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        found: Settings = self.app.config["LEADERLED"]
        return found

    def actor(self, who: str, role: Role) -> Actor:
        team = self.other_team if who in ("gus", "hal") else self.team
        return Actor(self.people[who], role, team)


def account(who: str) -> Identity:
    return Identity.account(ISSUER, PEOPLE[who][0])


def build_org(app: Flask, *, notes_in_statements: bool = False) -> Org:
    settings: Settings = app.config["LEADERLED"]
    with session_scope(app) as session:
        platform = LtiPlatform(
            issuer=ISSUER,
            name="Moodle",
            auth_login_url=ISSUER + "/auth",
            jwks_url=ISSUER + "/jwks",
            notes_in_statements=notes_in_statements,
        )
        client = LtiClient(platform=platform, client_id="client")
        deployment = LtiDeployment(client=client, deployment_id="1", status=DeploymentStatus.ACTIVE)
        north = Team(platform_issuer=ISSUER, context_id="north", title="Team North")
        south = Team(platform_issuer=ISSUER, context_id="south", title="Team South")
        session.add_all([platform, client, deployment, north, south])
        people: dict[str, Person] = {}
        for key, (sub, name, email) in PEOPLE.items():
            identity = Identity.account(ISSUER, sub)
            person = person_for(session, [identity, Identity.mbox(email)], display_name=name)
            person.email = email
            person.statement_key = identity.key()
            people[key] = person
        session.flush()
        for key, team, role in (
            ("ada", north, Role.LEADER),
            ("bo", north, Role.LEARNER),
            ("cy", north, Role.LND_ADMIN),
            ("dee", north, Role.LEARNER),
            ("eli", north, Role.LEARNER),
            ("gus", south, Role.LEADER),
            ("hal", south, Role.LEARNER),
        ):
            session.add(Membership(person=people[key], team=team, role=role))
        session.flush()
        org = Org(
            app,
            {k: p.id for k, p in people.items()},
            north.id,
            south.id,
            deployment.id,
        )
    with session_scope(app) as session:
        pub = publishing_for(session, settings, ISSUER)
        ada = org.actor("ada", Role.LEADER)
        at = NOW - timedelta(days=3)
        org.records["session"] = knowledge.record_session(
            session,
            ada,
            data=knowledge.SessionInput(
                title="Pricing basics",
                topic="products",
                people=(org.people["bo"], org.people["dee"]),
                minutes=45,
                occurred_at=at,
                notes="Ada's own session note",
            ),
            pub=pub,
            now=NOW,
        ).id
        org.records["coaching"] = moments.record_moment(
            session,
            ada,
            data=moments.MomentInput(
                kind="coaching",
                people=(org.people["bo"],),
                minutes=15,
                occurred_at=at,
                notes="Coaching note: Bo Zeldzaam wants to lead the next call",
            ),
            pub=pub,
            now=NOW,
        ).id
        org.records["mentoring"] = moments.record_moment(
            session,
            ada,
            data=moments.MomentInput(
                kind="mentoring",
                people=(org.people["bo"], org.people["dee"]),
                minutes=30,
                occurred_at=at,
                notes="Group mentoring note",
            ),
            pub=pub,
            now=NOW,
        ).id
        gus = org.actor("gus", Role.LEADER)
        org.records["south"] = knowledge.record_session(
            session,
            gus,
            data=knowledge.SessionInput(
                title="Closing the month",
                topic="operations",
                people=(org.people["hal"],),
                minutes=60,
                occurred_at=at,
            ),
            pub=pub,
            now=NOW,
        ).id
    with session_scope(app) as session:
        pub = publishing_for(session, settings, ISSUER)
        org.records["bo_confirms"] = confirmations.confirm(
            session,
            org.actor("bo", Role.LEARNER),
            record_id=org.records["session"],
            data=confirmations.ConfirmInput(4, "Useful for Bo"),
            pub=pub,
            now=NOW,
        ).id
        org.records["dee_confirms"] = confirmations.confirm(
            session,
            org.actor("dee", Role.LEARNER),
            record_id=org.records["session"],
            data=confirmations.ConfirmInput(5, "Dee liked it"),
            pub=pub,
            now=NOW,
        ).id
        org.records["dee_confirms_mentoring"] = confirmations.confirm(
            session,
            org.actor("dee", Role.LEARNER),
            record_id=org.records["mentoring"],
            data=confirmations.ConfirmInput(None),
            pub=pub,
            now=NOW,
        ).id
    with session_scope(app) as session:
        for n, (who, person_id) in enumerate(
            (("bo", org.people["bo"]), ("bo", None), ("dee", org.people["dee"]))
        ):
            session.add(
                FormalRecord(
                    statement_id=str(uuid.uuid4()),
                    lrs="default",
                    person_id=person_id,
                    actor_key=account(who).key(),
                    origin="formal",
                    verb="http://adlnet.gov/expapi/verbs/completed",
                    activity_id=f"{ISSUER}/course/{n}",
                    activity_name="Compliance basics",
                    completion=True,
                    timestamp=NOW - timedelta(days=30 + n),
                )
            )
        session.add(
            LtiLaunchSession(
                token_hash=digest(secrets.token_urlsafe(16)),
                deployment_pk=org.deployment,
                person_id=org.people["bo"],
                team_id=org.team,
                role=Role.LEARNER,
                message_type="LtiResourceLinkRequest",
                claims={"sub": PEOPLE["bo"][0], "name": PEOPLE["bo"][1]},
                expires_at=int(time.time()) + 3600,
            )
        )
        access_log.log_views(
            session,
            org.actor("ada", Role.LEADER),
            [org.people["bo"], org.people["dee"]],
            AccessKind.RECORD,
            record_id=org.records["mentoring"],
            now=NOW,
        )
        access_log.log_views(
            session,
            org.actor("cy", Role.LND_ADMIN),
            [org.people["bo"]],
            AccessKind.PERSONAL_DATA,
            now=NOW,
        )
        access_log.log_views(
            session, org.actor("bo", Role.LEARNER), [org.people["dee"]], AccessKind.RECORD, now=NOW
        )
    return org


# -- a row about the person in every other personal table ---------------------


def _value(table: Table, column: Any, session: Session, subject: Subject, n: int) -> Any:
    for fk in column.foreign_keys:
        target = fk.column
        if target.table.name == "person":
            return subject.person_id
        return session.scalar(sql_select(target).order_by(target).limit(1))
    kind = column.type
    if isinstance(kind, Enum):
        return kind.enums[0] if kind.enum_class is None else next(iter(kind.enum_class))
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return n
    if isinstance(kind, Float):
        return 1.0
    if isinstance(kind, DateTime):
        return NOW
    if isinstance(kind, Date):
        return date(2026, 12, 1)
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, String | Text):
        length = getattr(kind, "length", None) or 64
        return uuid.uuid4().hex[: min(length, 32)]
    raise AssertionError(f"{table.name}.{column.name}: teach the filler its type {kind!r}")


def fill_every_personal_table(app: Flask, who: int) -> list[str]:
    """Give each personal table without a row about ``who`` one: the column a
    relation reads holds their id, key or statement id, the rest is filler.
    Returns the tables filled."""
    filled = []
    with session_scope(app) as session:
        person = session.get_one(Person, who)
        subject = subject_of(session, person)
        found = related_rows(session, subject)
        for table in reversed(REGISTRY.tables()):  # parents first: filler rows point at them
            if found[table.name].rows:
                continue
            direct = [
                r
                for r in REGISTRY[table.name].relations
                if r.kind in (Kind.OWNER, Kind.MENTION, Kind.IDENTIFIER, Kind.STATEMENT)
            ]
            if not direct:  # only part of a parent row: one of the person's parent rows
                part = next(r for r in REGISTRY[table.name].relations if r.kind is Kind.PART_OF)
                parents = related_rows(session, subject)[part.other].rows
                parent_id = next(iter(parents.values()))["id"]
            relation = direct[0] if direct else part
            row: dict[str, Any] = {}
            for n, column in enumerate(table.columns):
                if (
                    column.primary_key
                    and isinstance(column.type, Integer)
                    and column.name != relation.column
                ):
                    continue
                if not direct and column.name == relation.column:
                    row[column.name] = parent_id
                elif column.name == relation.column:
                    row[column.name] = {
                        Kind.OWNER: who,
                        Kind.MENTION: who,
                        Kind.IDENTIFIER: next(iter(sorted(subject.keys))),
                        Kind.STATEMENT: next(iter(sorted(subject.statement_ids))),
                    }[relation.kind]
                elif column.nullable and not column.primary_key:
                    continue
                else:
                    row[column.name] = _value(table, column, session, subject, n + 1)
            session.execute(table.insert().values(**row))
            filled.append(table.name)
    return filled


def person_columns() -> list[tuple[Table, Any]]:
    """Every column of the schema that points at ``person.id``."""
    return [
        (table, column)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if any(fk.column.table.name == "person" for fk in column.foreign_keys)
    ]


def text_columns(table: Table) -> list[Any]:
    return [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
