"""Serves our xAPI Profile at its own IRI, so the IRIs we mint resolve."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app

from statements.profile import build_profile

bp = Blueprint("profile", __name__, url_prefix="/xapi")


def _profile_base() -> str:
    base: str = current_app.config["LEADERLED"].resolved_profile_base
    return base


@bp.get("/profile")
def profile() -> Response:
    document = build_profile(_profile_base())
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        mimetype="application/ld+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )
