"""The operations page (issue 14): L&D sees per LRS what waits, what was
delivered, what the LRS refused and why, and where the sync left off, with
warnings in words; re-sends or discards (after a confirmation) a parked
statement; runs ``lrs check`` against a real Learning Locker."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from plugin.config import LrsTarget
from plugin.db import session_scope
from plugin.models import DeliveryEvent, OutboxRow, OutboxState, SyncCursor
from plugin.models.outbox import DeliveryEventKind
from plugin.services.heartbeats import beat
from plugin.services.outbox import now_ms
from tests.lrs_servers.servers import RunningLRS

from .conftest import World, csrf_token, sign_in

PAGE = "/admin/operations"
REASON = "Expected the verb id to be a valid IRI"


def _row(state: OutboxState, *, age: timedelta = timedelta(0), lrs: str = "default") -> OutboxRow:
    return OutboxRow(
        statement_id=str(uuid.uuid4()),
        lrs=lrs,
        statement_json="{}",
        state=state,
        attempts=1,
        due_ms=now_ms(),
        last_error=REASON if state is OutboxState.PARKED else None,
        last_status=400 if state is OutboxState.PARKED else None,
        created_at=datetime.now(UTC) - age,
    )


def _fill(app: Flask, *, worker: bool = True) -> str:
    """Two waiting (one for 40 minutes), one parked, deliveries, a stale sync; the parked id."""
    now = datetime.now(UTC)
    parked = _row(OutboxState.PARKED)
    with session_scope(app) as session:
        session.add_all(
            [
                _row(OutboxState.PENDING, age=timedelta(minutes=40)),
                _row(OutboxState.PENDING),
                parked,
                DeliveryEvent(lrs="default", kind=DeliveryEventKind.DELIVERED, count=4),
                DeliveryEvent(
                    lrs="default",
                    kind=DeliveryEventKind.DELIVERED,
                    count=6,
                    at=now - timedelta(hours=5),
                ),
                DeliveryEvent(
                    lrs="default",
                    kind=DeliveryEventKind.DELIVERED,
                    count=100,
                    at=now - timedelta(days=3),
                ),
                SyncCursor(
                    lrs="default",
                    query="all",
                    cursor_json=json.dumps({"since": "2026-12-01T08:00:00Z", "more": None}),
                    pulled=321,
                    last_success_at=now - timedelta(hours=3),
                ),
            ]
        )
        if worker:
            beat(session, "host:1", "delivery,sync")
    return parked.statement_id


def test_l_and_d_sees_figures_reasons_cursor_and_warnings(pages_app: Flask, world: World) -> None:
    parked_id = _fill(pages_app)
    client = sign_in(pages_app, world, "cy")
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="queue-depth">2<' in html
    assert 'class="delivered-hour">4<' in html
    assert 'class="delivered-day">10<' in html
    assert 'class="parked-count">1<' in html
    assert parked_id in html
    assert f"The LRS said: {REASON}" in html
    assert "HTTP 400" in html
    assert "since: 2026-12-01T08:00:00Z" in html  # the cursor, readable
    assert "321 statements pulled" in html
    assert "The queue is growing: 2 statements wait, the oldest for 40 minutes." in html
    assert "The sync is stale: the last successful one was 3 hours ago" in html
    assert "1 statement was refused by the LRS" in html
    assert "No worker has" not in html
    assert f'href="{PAGE}"' in html  # the menu entry, for L&D


def test_no_worker_is_a_warning(pages_app: Flask, world: World) -> None:
    _fill(pages_app, worker=False)
    html = sign_in(pages_app, world, "cy").get(PAGE).get_data(as_text=True)
    assert "No worker has ever been seen" in html


def test_the_page_speaks_dutch(pages_app: Flask, world: World) -> None:
    _fill(pages_app)
    html = sign_in(pages_app, world, "cy", locale="nl").get(PAGE).get_data(as_text=True)
    assert "Wacht op verzending" in html
    assert "De wachtrij groeit" in html


def test_every_configured_lrs_is_listed_and_a_resend_goes_to_each(
    pages_app: Flask, world: World
) -> None:
    """Several LRSs: one section each, also for one that has seen nothing yet; a
    statement both refused is queued again for both."""
    pages_app.config["LEADERLED"] = replace(
        pages_app.config["LEADERLED"],
        lrs_endpoint="http://127.0.0.1:9/xAPI/",
        lrs_servers=(
            LrsTarget("regional", "http://127.0.0.1:9/regional/"),
            LrsTarget("archive", "http://127.0.0.1:9/archive/"),
        ),
    )
    both = _row(OutboxState.PARKED)
    with session_scope(pages_app) as session:
        session.add_all([both, replace_lrs(both, "regional")])
    client = sign_in(pages_app, world, "cy")
    html = client.get(PAGE).get_data(as_text=True)
    for name in ("default", "regional", "archive"):
        assert name in html
    token = csrf_token(client, PAGE)
    url = f"{PAGE}/parked/{both.statement_id}/resend"
    assert client.post(url, data={"csrf_token": token}).status_code == 303
    with session_scope(pages_app) as session:
        states = session.execute(
            select(OutboxRow.lrs, OutboxRow.state).where(
                OutboxRow.statement_id == both.statement_id
            )
        ).all()
    assert sorted(states) == [
        ("default", OutboxState.PENDING),
        ("regional", OutboxState.PENDING),
    ]


def test_the_buttons_of_one_lrs_act_on_that_lrs_only(pages_app: Flask, world: World) -> None:
    """A statement refused by two LRSs: "Discard" in the regional section
    confirms and drops the regional row; "Send again" in the default section
    queues only the default row."""
    pages_app.config["LEADERLED"] = replace(
        pages_app.config["LEADERLED"],
        lrs_endpoint="http://127.0.0.1:9/xAPI/",
        lrs_servers=(LrsTarget("regional", "http://127.0.0.1:9/regional/"),),
    )
    both = _row(OutboxState.PARKED)
    regional = replace_lrs(both, "regional")
    regional.last_error = "refused by the regional LRS"
    with session_scope(pages_app) as session:
        session.add_all([both, regional])
    client = sign_in(pages_app, world, "cy")
    html = client.get(PAGE).get_data(as_text=True)
    discard = f"{PAGE}/parked/{both.statement_id}/discard?lrs=regional"
    resend = f"{PAGE}/parked/{both.statement_id}/resend?lrs=default"
    assert f'href="{discard}"' in html
    assert resend in html
    confirm = client.get(discard).get_data(as_text=True)
    assert "refused by the regional LRS" in confirm
    token = csrf_token(client, discard)
    assert client.post(discard, data={"csrf_token": token}).status_code == 303
    with session_scope(pages_app) as session:
        left = session.execute(
            select(OutboxRow.lrs, OutboxRow.state).where(
                OutboxRow.statement_id == both.statement_id
            )
        ).all()
    assert left == [("default", OutboxState.PARKED)]
    assert client.post(resend, data={"csrf_token": token}).status_code == 303
    with session_scope(pages_app) as session:
        state = session.scalar(
            select(OutboxRow.state).where(OutboxRow.statement_id == both.statement_id)
        )
    assert state is OutboxState.PENDING


def test_statements_queued_for_an_lrs_no_longer_configured_are_named(
    pages_app: Flask, world: World
) -> None:
    """Queued while the tool had no LRS (so for "default"), then only a named
    LRS was configured: no worker will send them, and the page says why."""
    pages_app.config["LEADERLED"] = replace(
        pages_app.config["LEADERLED"],
        lrs_endpoint="",
        lrs_servers=(LrsTarget("main", "http://127.0.0.1:9/main/"),),
    )
    with session_scope(pages_app) as session:
        session.add(_row(OutboxState.PENDING))
    html = sign_in(pages_app, world, "cy").get(PAGE).get_data(as_text=True)
    assert "No LRS called “default” is configured any more" in html
    assert "No LRS called “main”" not in html


def replace_lrs(row: OutboxRow, lrs: str) -> OutboxRow:
    """The same statement's row for another LRS."""
    return OutboxRow(
        statement_id=row.statement_id,
        lrs=lrs,
        statement_json=row.statement_json,
        state=row.state,
        attempts=row.attempts,
        due_ms=row.due_ms,
        last_error=row.last_error,
        last_status=row.last_status,
    )


def test_leaders_have_no_menu_entry(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "ada")
    assert f'href="{PAGE}"' not in client.get("/leader/").get_data(as_text=True)
    assert client.get(PAGE).status_code == 403


def test_a_parked_statement_is_sent_again(pages_app: Flask, world: World) -> None:
    parked_id = _fill(pages_app)
    client = sign_in(pages_app, world, "cy")
    url = f"{PAGE}/parked/{parked_id}/resend"
    assert client.post(url).status_code == 400  # no CSRF token
    token = csrf_token(client, PAGE)
    done = client.post(url, data={"csrf_token": token})
    assert done.status_code == 303
    assert done.location.endswith(PAGE)
    with session_scope(pages_app) as session:
        row = session.scalars(select(OutboxRow).where(OutboxRow.statement_id == parked_id)).one()
        assert row.state is OutboxState.PENDING
        assert row.attempts == 0
    assert "Queued again" in client.get(PAGE).get_data(as_text=True)
    again = client.post(url, data={"csrf_token": token})
    assert again.status_code == 404  # no longer parked


def test_discarding_asks_first(pages_app: Flask, world: World) -> None:
    parked_id = _fill(pages_app)
    client = sign_in(pages_app, world, "cy")
    url = f"{PAGE}/parked/{parked_id}/discard"
    question = client.get(url)
    assert question.status_code == 200
    html = question.get_data(as_text=True)
    assert "Discard this statement?" in html
    assert REASON in html
    with session_scope(pages_app) as session:  # asking changed nothing
        assert session.scalar(select(OutboxRow).where(OutboxRow.statement_id == parked_id))
    assert client.post(url).status_code == 400  # no CSRF token
    done = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert done.status_code == 303
    with session_scope(pages_app) as session:
        assert not session.scalar(select(OutboxRow).where(OutboxRow.statement_id == parked_id))
    assert client.get(url).status_code == 404


def test_only_parked_statements_can_be_resent_or_discarded(pages_app: Flask, world: World) -> None:
    _fill(pages_app)
    with session_scope(pages_app) as session:
        waiting = session.scalars(
            select(OutboxRow.statement_id).where(OutboxRow.state == OutboxState.PENDING)
        ).first()
    client = sign_in(pages_app, world, "cy")
    token = csrf_token(client, PAGE)
    for action in ("resend", "discard"):
        refused = client.post(f"{PAGE}/parked/{waiting}/{action}", data={"csrf_token": token})
        assert refused.status_code == 404
        assert "There is no parked statement with this id." in refused.get_data(as_text=True)
    assert client.get(f"{PAGE}/parked/not-an-id/discard").status_code == 404


def test_check_without_an_lrs_says_what_to_set(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "cy")
    assert client.post(f"{PAGE}/check").status_code == 400  # no CSRF token
    result = client.post(f"{PAGE}/check", data={"csrf_token": csrf_token(client, PAGE)})
    assert result.status_code == 200
    html = result.get_data(as_text=True)
    assert 'id="check-failed"' in html
    assert "No LRS is configured: set LEADERLED_LRS_ENDPOINT." in html


def test_check_against_learning_locker(
    pages_app: Flask, world: World, learning_locker: RunningLRS
) -> None:
    settings = pages_app.config["LEADERLED"]
    pages_app.config["LEADERLED"] = replace(
        settings,
        lrs_endpoint=learning_locker.endpoint,
        lrs_username=learning_locker.username,
        lrs_password=learning_locker.password,
    )
    client = sign_in(pages_app, world, "cy")
    result = client.post(f"{PAGE}/check", data={"csrf_token": csrf_token(client, PAGE)})
    html = result.get_data(as_text=True)
    assert result.status_code == 200
    assert 'id="check-passed"' in html, html
    assert "credentials accepted" in html
    assert "more paging" in html
    assert learning_locker.password not in html or not learning_locker.password


def test_check_against_a_closed_port_explains(pages_app: Flask, world: World) -> None:
    from plugin.demo.local_lrs import free_port

    pages_app.config["LEADERLED"] = replace(
        pages_app.config["LEADERLED"], lrs_endpoint=f"http://127.0.0.1:{free_port()}/xAPI/"
    )
    client = sign_in(pages_app, world, "cy")
    result = client.post(f"{PAGE}/check", data={"csrf_token": csrf_token(client, PAGE)})
    assert result.status_code == 200
    html = result.get_data(as_text=True)
    assert 'id="check-failed"' in html
    assert "is the LRS running" in html


def test_check_never_shows_credentials_written_in_the_endpoint(
    pages_app: Flask, world: World
) -> None:
    from plugin.demo.local_lrs import free_port

    secret = "S3cretLrsPass"
    endpoint = f"http://lrsuser:{secret}@127.0.0.1:{free_port()}/xAPI/"
    settings = replace(pages_app.config["LEADERLED"], lrs_endpoint=endpoint)
    pages_app.config["LEADERLED"] = settings
    client = sign_in(pages_app, world, "cy")
    result = client.post(f"{PAGE}/check", data={"csrf_token": csrf_token(client, PAGE)})
    assert result.status_code == 200
    html = result.get_data(as_text=True)
    assert secret not in html
    assert "http://127.0.0.1:" in html  # the address, as typed but for the credentials
    assert secret not in repr(settings)
    assert secret not in repr(settings.lrs_targets)


def test_check_names_one_of_several_lrs_and_refuses_an_unknown_name(
    pages_app: Flask, world: World
) -> None:
    """The check runs against the LRS chosen from the configured ones (a closed
    port here, so it fails in words); a name not configured is refused."""
    pages_app.config["LEADERLED"] = replace(
        pages_app.config["LEADERLED"],
        lrs_servers=(
            LrsTarget("org", "http://127.0.0.1:9/org/"),
            LrsTarget("region", "http://127.0.0.1:9/region/"),
        ),
    )
    client = sign_in(pages_app, world, "cy")
    html = client.get(PAGE).get_data(as_text=True)
    assert '<option value="org">org</option><option value="region">region</option>' in html
    token = csrf_token(client, PAGE)
    unknown = client.post(f"{PAGE}/check", data={"csrf_token": token, "lrs": "elsewhere"})
    assert unknown.status_code == 400
    assert "There is no LRS called elsewhere here." in unknown.get_data(as_text=True)
    chosen = client.post(f"{PAGE}/check", data={"csrf_token": token, "lrs": "region"})
    assert chosen.status_code == 200
    assert 'id="check-failed"' in chosen.get_data(as_text=True)
