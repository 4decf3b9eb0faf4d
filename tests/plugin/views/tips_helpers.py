"""What the tests of tips 3 to 5 share: signing in with an upload directory,
reading a record's statements, checking them against our xAPI Profile, and
adding people to the test organisation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.models import (
    CompanyValue,
    Expectation,
    ExpectationAcknowledgement,
    FeedbackRequest,
    Goal,
    LeaderLedRecord,
    Material,
    Membership,
    OutboxRow,
    Role,
    Trainer,
    TrainerPairing,
)
from plugin.models.catalogue import ValueKind
from statements.template_specs import template_iri
from statements.templates import match_profile
from statements.validation import validate

from .conftest import SITE, World, _person

BASE = SITE + "/xapi"


def use_upload_dir(app: Flask, path: Path) -> None:
    app.config["LEADERLED"] = app.config["LEADERLED"].merged({"upload_dir": str(path)})


def statements_of(app: Flask, record_id: int) -> list[dict[str, Any]]:
    with session_scope(app) as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.record_id == record_id).order_by(OutboxRow.id)
        )
        return [json.loads(r.statement_json) for r in rows]


def latest_record(app: Flask) -> LeaderLedRecord:
    with session_scope(app) as session:
        row = session.scalar(select(LeaderLedRecord).order_by(LeaderLedRecord.id.desc()).limit(1))
        assert row is not None
        session.expunge(row)
        return row


def assert_matches(statement: dict[str, Any], slug: str) -> None:
    """Valid xAPI, and exactly the one template of our profile it is built for."""
    assert validate(statement).ok
    assert match_profile(statement).matched == [template_iri(slug, BASE)]


def tip_counts(app: Flask) -> dict[str, int]:
    """Rows any of these pages may add: a refused form adds none of them."""
    with session_scope(app) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (
                LeaderLedRecord,
                OutboxRow,
                Material,
                CompanyValue,
                TrainerPairing,
                Trainer,
                FeedbackRequest,
                Expectation,
                ExpectationAcknowledgement,
                Goal,
            )
        }


def add_value(app: Flask, slug: str, en: str, nl: str, kind: ValueKind = ValueKind.VALUE) -> int:
    with session_scope(app) as session:
        value = CompanyValue(slug=slug, kind=kind, name_en=en, name_nl=nl)
        session.add(value)
        session.flush()
        return value.id


def add_leader(app: Flask, world: World, key: str, sub: str, name: str) -> int:
    """Another leader, of team South, known to the tests as ``key``."""
    with session_scope(app) as session:
        person = _person(session, sub, name)
        session.flush()
        session.add(Membership(person_id=person.id, team_id=world.other_team, role=Role.LEADER))
        world.people[key] = person.id
        return person.id


def make_trainer(app: Flask, person_id: int, capacity: int) -> None:
    with session_scope(app) as session:
        session.add(Trainer(person_id=person_id, capacity=capacity))
