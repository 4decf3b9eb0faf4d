"""``/metrics``: refused without the token or an allowed address, and in the
Prometheus text format (parsed with prometheus_client's own parser) with
the queue, delivery and sync figures per LRS read from the database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from plugin import create_app
from plugin.db import session_scope
from plugin.demo.local_lrs import free_port
from plugin.models import DeliveryEvent, OutboxRow, OutboxState, SyncCursor
from plugin.models.outbox import DeliveryEventKind
from plugin.services.heartbeats import beat
from plugin.services.outbox import now_ms
from tests.conftest import wipe_database

TOKEN = "scrape-me-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _app(database_url: str, **settings: str) -> Flask:
    return create_app(
        {"database_url": database_url, "testing": True, "secret_key": "x", **settings}
    )


@pytest.fixture
def metrics_app(database_url: str) -> Iterator[Flask]:
    app = _app(database_url, metrics_token=TOKEN)
    yield app
    wipe_database(app)


def samples(text: str) -> dict[str, list[Sample]]:
    found: dict[str, list[Sample]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample)
    return found


def value(found: dict[str, list[Sample]], name: str, **labels: str) -> float:
    matching = [s.value for s in found.get(name, []) if s.labels == labels]
    assert len(matching) == 1, (name, labels, found.get(name))
    return matching[0]


# -- who may read them ----------------------------------------------------------


def test_off_unless_a_token_or_an_allow_list_is_set(database_url: str) -> None:
    response = _app(database_url).test_client().get("/metrics")
    assert response.status_code == 403
    assert "LEADERLED_METRICS_TOKEN" in response.get_data(as_text=True)


def test_the_token_is_required_and_checked(metrics_app: Flask) -> None:
    client = metrics_app.test_client()
    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in missing.get_data(as_text=True)
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert "wrong" in wrong.get_data(as_text=True)
    basic = client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    good = client.get("/metrics", headers=AUTH)
    assert good.status_code == 200
    assert good.headers["Content-Type"].startswith("text/plain; version=")


def test_an_allowed_network_needs_no_token(database_url: str) -> None:
    app = _app(database_url, metrics_allow="10.0.0.0/8, 192.168.1.5")
    client = app.test_client()
    inside = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert inside.status_code == 200
    single = client.get("/metrics", environ_base={"REMOTE_ADDR": "192.168.1.5"})
    assert single.status_code == 200
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "192.168.1.6"})
    assert outside.status_code == 403
    assert "LEADERLED_METRICS_ALLOW" in outside.get_data(as_text=True)


def test_outside_the_allow_list_the_token_still_works(database_url: str) -> None:
    app = _app(database_url, metrics_allow="10.0.0.0/8", metrics_token=TOKEN)
    client = app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "8.8.8.8"}).status_code == 401
    with_token = client.get("/metrics", headers=AUTH, environ_base={"REMOTE_ADDR": "8.8.8.8"})
    assert with_token.status_code == 200


def test_a_malformed_allow_list_stops_the_start_with_its_name(database_url: str) -> None:
    with pytest.raises(ValueError, match=r"LEADERLED_METRICS_ALLOW: '10\.0\.0\.0/33'"):
        _app(database_url, metrics_allow="10.0.0.0/33")


# -- what they say -------------------------------------------------------------


def _row(
    lrs: str, state: OutboxState, *, age: timedelta = timedelta(0), error: str = ""
) -> OutboxRow:
    return OutboxRow(
        statement_id=str(uuid.uuid4()),
        lrs=lrs,
        statement_json="{}",
        state=state,
        attempts=0,
        due_ms=now_ms(),
        last_error=error or None,
        created_at=datetime.now(UTC) - age,
    )


def test_queue_delivery_and_sync_figures_per_lrs(metrics_app: Flask) -> None:
    now = datetime.now(UTC)
    with session_scope(metrics_app) as session:
        session.add_all(
            [
                _row("default", OutboxState.PENDING, age=timedelta(minutes=10)),
                _row("default", OutboxState.PENDING),
                _row("default", OutboxState.PARKED, error="bad verb"),
                _row("default", OutboxState.STORED),
                _row("regional", OutboxState.PENDING, age=timedelta(seconds=30)),
                DeliveryEvent(lrs="default", kind=DeliveryEventKind.DELIVERED, count=5),
                DeliveryEvent(lrs="default", kind=DeliveryEventKind.DELIVERED, count=2),
                DeliveryEvent(lrs="default", kind=DeliveryEventKind.PARKED, count=1),
                DeliveryEvent(lrs="regional", kind=DeliveryEventKind.FAILED, count=3),
                SyncCursor(lrs="default", query="all", last_success_at=now - timedelta(hours=2)),
            ]
        )
        beat(session, "host:1", "delivery", now=now - timedelta(seconds=20))
    found = samples(metrics_app.test_client().get("/metrics", headers=AUTH).get_data(as_text=True))
    assert value(found, "leaderled_database_up") == 1
    assert value(found, "leaderled_outbox_queue_depth", lrs="default") == 2
    assert value(found, "leaderled_outbox_queue_depth", lrs="regional") == 1
    assert 595 <= value(found, "leaderled_outbox_oldest_waiting_seconds", lrs="default") <= 700
    assert 25 <= value(found, "leaderled_outbox_oldest_waiting_seconds", lrs="regional") <= 120
    assert value(found, "leaderled_outbox_parked", lrs="default") == 1
    assert value(found, "leaderled_statements_delivered_total", lrs="default") == 7
    assert value(found, "leaderled_statements_parked_total", lrs="default") == 1
    assert value(found, "leaderled_statements_retried_total", lrs="regional") == 3
    assert 7190 <= value(found, "leaderled_sync_lag_seconds", lrs="default") <= 7300
    assert "regional" not in {s.labels.get("lrs") for s in found["leaderled_sync_lag_seconds"]}
    assert value(found, "leaderled_lrs_held", lrs="default") == 0
    assert 15 <= value(found, "leaderled_worker_last_seen_seconds") <= 120


def test_request_latency_is_a_histogram_per_route(metrics_app: Flask) -> None:
    client = metrics_app.test_client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    found = samples(client.get("/metrics", headers=AUTH).get_data(as_text=True))
    labels = {"endpoint": "health.healthz", "method": "GET", "status": "200"}
    assert value(found, "leaderled_http_request_duration_seconds_count", **labels) == 3
    buckets = [
        s
        for s in found["leaderled_http_request_duration_seconds_bucket"]
        if s.labels["endpoint"] == "health.healthz"
    ]
    assert buckets[-1].labels["le"] == "+Inf"
    assert buckets[-1].value == 3


def test_a_client_cannot_add_series_with_made_up_methods(metrics_app: Flask) -> None:
    client = metrics_app.test_client()
    for n in range(20):
        client.open("/healthz", method=f"X{n:04d}")
    found = samples(client.get("/metrics", headers=AUTH).get_data(as_text=True))
    methods = {s.labels["method"] for s in found["leaderled_http_request_duration_seconds_count"]}
    assert methods - {"GET"} == {"other"}
    assert (
        value(
            found,
            "leaderled_http_request_duration_seconds_count",
            endpoint="none",
            method="other",
            status="405",
        )
        == 20
    )


def test_an_unreachable_database_is_a_figure_not_an_error() -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none"
    app = create_app(
        {"database_url": url, "testing": True, "secret_key": "x", "metrics_token": TOKEN}
    )
    response = app.test_client().get("/metrics", headers=AUTH)
    assert response.status_code == 200
    found = samples(response.get_data(as_text=True))
    assert value(found, "leaderled_database_up") == 0
    assert "leaderled_outbox_queue_depth" not in found


def test_requests_refused_before_the_view_are_timed_too(metrics_app: Flask) -> None:
    client = metrics_app.test_client()
    refused = client.post("/admin/operations/check")  # no CSRF token, no launch
    assert refused.status_code == 400
    found = samples(client.get("/metrics", headers=AUTH).get_data(as_text=True))
    labels = {"endpoint": "operations.check", "method": "POST", "status": "400"}
    assert value(found, "leaderled_http_request_duration_seconds_count", **labels) == 1
