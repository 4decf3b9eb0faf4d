"""The API's documentation page: Swagger UI from the installed
``swagger-ui-py`` package, served by the app itself (no CDN), started by a
script file rather than an inline one, so a Content-Security-Policy of
``'self'`` holds."""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from flask import Blueprint, abort, render_template, send_from_directory, url_for
from werkzeug.wrappers import Response

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")

ASSETS = Path(swagger_ui.__file__).parent / "static"
#: Only what the page loads; nothing else of the package is served.
SERVED = frozenset({"swagger-ui.css", "swagger-ui-bundle.js"})


@bp.get("/")
def page() -> str:
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))


@bp.get("/assets/<name>")
def asset(name: str) -> Response:
    if name not in SERVED:
        abort(404)
    return send_from_directory(ASSETS, name, max_age=86400)
