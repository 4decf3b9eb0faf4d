"""The landing page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    settings = current_app.config["LEADERLED"]
    return render_template("home.html", profile_iri=settings.resolved_profile_base + "/profile")
