"""Erasure against a real Learning Locker: every statement that named the
person is voided and gone from normal queries, also when the LRS was down
at the time, and their formal records are never pulled again."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from lrs_client import LRSClient, RetryPolicy, Timeouts
from lrs_client.errors import NotFound
from plugin.db import get_db, session_scope
from plugin.demo.local_lrs import free_port
from plugin.jobs.delivery import DeliveryOptions, DeliveryWorker
from plugin.jobs.sync import Sync, SyncOptions
from plugin.models import FormalRecord, LeaderLedRecord, OutboxRow, Person, StatementSubject
from plugin.models.outbox import OutboxState
from plugin.services.privacy.erasure import erase
from plugin.services.privacy.lookup import subject_of
from tests.lrs_servers.servers import RunningLRS, learning_locker

from .world import ISSUER, NOW, SITE, Org, account

pytestmark = pytest.mark.lrs

FAST = DeliveryOptions(base_backoff_seconds=0.1, max_backoff_seconds=0.5, poll_seconds=0.05)


@pytest.fixture(scope="module")
def own_lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningLRS]:
    """A Learning Locker of this module alone, so queries see only these tests' statements."""
    server = learning_locker(tmp_path_factory.mktemp("privacy-lrs"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def lrs(own_lrs: RunningLRS) -> Iterator[LRSClient]:
    own_lrs.restart()  # memory mode: empty again
    client = _client(own_lrs.endpoint)
    yield client
    client.close()


def _client(endpoint: str) -> LRSClient:
    return LRSClient(
        endpoint,
        username="ll-key",
        password="ll-secret",
        retry=RetryPolicy(max_attempts=1, max_total=1.0, base_delay=0.1),
        timeouts=Timeouts(connect=1.0, read=30.0),
    )


def _waiting(app: Flask) -> int:
    with session_scope(app) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxRow)
                .where(OutboxRow.state.in_([OutboxState.PENDING, OutboxState.CLAIMED]))
            )
            or 0
        )


def _deliver(app: Flask, client: LRSClient, within: float = 60) -> None:
    worker = DeliveryWorker(get_db(app), client, FAST)
    deadline = time.monotonic() + within
    while _waiting(app):
        assert time.monotonic() < deadline, "the outbox was not delivered in time"
        if not worker.run_once().claimed:
            time.sleep(0.1)
    with session_scope(app) as session:
        parked = session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.state == OutboxState.PARKED)
        )
    assert parked == 0


def _agent(who: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": ISSUER, "name": account(who).value}}


def _ids_naming(client: LRSClient, who: str) -> set[str]:
    """Statements a normal query finds for the person: as an agent anywhere
    xAPI looks (actor, instructor, context agents), or in the sessions and
    moments they took part in (a learner in a context extension is not an
    agent to an LRS's agent filter)."""
    found = {str(s["id"]).lower() for s in client.query(agent=_agent(who), related_agents=True)}
    for activity in ACTIVITIES:
        for statement in client.query(activity=activity):
            if statement["id"].lower() in NAMING[who]:
                found.add(statement["id"].lower())
    return found


#: Filled per test: the activities of the org's records, and which ids name whom.
ACTIVITIES: list[str] = []
NAMING: dict[str, set[str]] = {}


@pytest.fixture(autouse=True)
def _activities(privacy_app: Flask, org: Org) -> None:
    with session_scope(privacy_app) as session:
        ACTIVITIES[:] = sorted(
            {iri for iri in session.scalars(select(LeaderLedRecord.activity_iri)) if iri}
        )
        NAMING.clear()
        for who in ("bo", "dee"):
            NAMING[who] = set(
                session.scalars(
                    select(StatementSubject.statement_id).where(
                        StatementSubject.person_id == org.people[who]
                    )
                )
            )


def _named(app: Flask, who: int) -> frozenset[str]:
    with session_scope(app) as session:
        return subject_of(session, session.get_one(Person, who)).statement_ids


def _erase(app: Flask, who: int) -> None:
    with session_scope(app) as session:
        assert erase(session, who, settings=app.config["LEADERLED"], now=NOW).found


def _assert_voided_everywhere(client: LRSClient, named: frozenset[str]) -> None:
    for statement_id in named:
        with pytest.raises(NotFound):
            client.get(statement_id)
        assert client.get_voided(statement_id)["id"].lower() == statement_id
    assert not _ids_naming(client, "bo") & named
    # xAPI: a filter also matches statements that refer to a match, so the
    # tool's voids still come back for Bo; they hold nothing of his.
    for statement in client.query(agent=_agent("bo"), related_agents=True):
        assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": SITE, "name": "leaderled"},
        }
        assert statement["object"]["id"].lower() in named
        assert account("bo").value not in json.dumps(statement)


def test_every_statement_that_named_the_person_is_voided_in_the_lrs(
    privacy_app: Flask, org: Org, lrs: LRSClient
) -> None:
    bo = org.people["bo"]
    named = _named(privacy_app, bo)
    _deliver(privacy_app, lrs)
    assert len(named) == 5
    assert named <= _ids_naming(lrs, "bo")
    before_dee = _ids_naming(lrs, "dee")
    _erase(privacy_app, bo)
    _deliver(privacy_app, lrs)
    _assert_voided_everywhere(lrs, named)
    # Dee's part of the shared records was re-stated: new statements, still hers.
    after_dee = _ids_naming(lrs, "dee")
    assert after_dee
    assert after_dee != before_dee
    for voider in lrs.query(verb="http://adlnet.gov/expapi/verbs/voided"):
        assert voider["actor"]["account"]["homePage"] in (ISSUER, SITE)


def test_erasure_during_an_lrs_outage_completes_once_the_lrs_is_back(
    privacy_app: Flask, org: Org, lrs: LRSClient
) -> None:
    bo = org.people["bo"]
    named = _named(privacy_app, bo)
    _deliver(privacy_app, lrs)
    _erase(privacy_app, bo)
    down = _client(f"http://127.0.0.1:{free_port()}/xAPI/")
    try:
        batch = DeliveryWorker(get_db(privacy_app), down, FAST).run_once()
    finally:
        down.close()
    assert batch.claimed > 0
    assert batch.failed == batch.claimed
    assert named <= _ids_naming(lrs, "bo")  # nothing voided yet
    assert _waiting(privacy_app) >= len(named)
    _deliver(privacy_app, lrs)  # the LRS is back
    _assert_voided_everywhere(lrs, named)
    assert _waiting(privacy_app) == 0


def _completion(who: str, course: int) -> dict[str, Any]:
    return {
        "actor": _agent(who),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": f"{ISSUER}/course/view.php?id={course}",
            "definition": {
                "type": "https://w3id.org/xapi/cmi5/activitytype/course",
                "name": {"en": f"Course {course}"},
            },
        },
        "timestamp": (NOW - timedelta(days=course)).isoformat(),
        "result": {"completion": True},
    }


def _formal(app: Flask, who: str) -> int:
    with session_scope(app) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(FormalRecord)
                .where(FormalRecord.actor_key == account(who).key())
            )
            or 0
        )


def test_an_erased_persons_formal_records_are_never_pulled_again(
    privacy_app: Flask, org: Org, lrs: LRSClient
) -> None:
    database = get_db(privacy_app)
    lrs.send([_completion(who, n) for n in (1, 2) for who in ("bo", "dee")])
    sync = Sync(database, lrs, SyncOptions(profile_base=SITE + "/xapi"))
    sync.run(backfill=True)
    assert _formal(privacy_app, "bo") == 2 + 2  # two from the world, two pulled
    _erase(privacy_app, org.people["bo"])
    assert _formal(privacy_app, "bo") == 0
    lrs.send([_completion(who, n) for n in (3, 4) for who in ("bo", "dee")])
    sync.reset()
    result = sync.run(backfill=True)  # the whole history again, old and new
    assert result.complete
    assert _formal(privacy_app, "bo") == 0
    assert _formal(privacy_app, "dee") == 1 + 4
