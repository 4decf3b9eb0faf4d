"""``/healthz`` and ``/readyz`` for load balancers and orchestrators.

``/healthz`` says only that this process answers (no database call, so a
database outage does not get every web process restarted); ``/readyz``
says whether it can do its work: database reachable, schema at the newest
migration, a worker seen recently. Both answer JSON, 200 or 503, never
cached, and need no login: they reveal no names, hosts or credentials.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from plugin.db import get_db
from plugin.services.readiness import readiness

bp = Blueprint("health", __name__)


def _no_store(response: Response, status: int) -> tuple[Response, int]:
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    return _no_store(jsonify(status="ok"), 200)


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    settings = current_app.config["LEADERLED"]
    found = readiness(get_db(), worker_max_age=float(settings.ready_worker_seconds))
    return _no_store(jsonify(found.as_json()), 200 if found.ready else 503)
