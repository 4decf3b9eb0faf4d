"""Error pages that say what went wrong in words, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or best == "application/json"


def register(app: Flask) -> None:
    from plugin.lti.keys import KeysUnavailable

    @app.errorhandler(KeysUnavailable)
    def keys_unavailable(exc: KeysUnavailable) -> tuple[Response | str, int]:
        app.logger.error("tool keys unavailable: %s", exc)
        message = (
            "Leaderled cannot use its signing keys right now; its administrator has been told."
        )
        if _wants_json():
            return jsonify(error="Service Unavailable", message=message), 503
        return render_template(
            "error.html", code=503, title="Service unavailable", message=message
        ), 503

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response | str, int]:
        code = exc.code or 500
        if request.path.startswith("/api/"):
            from plugin.api.problems import from_http

            return from_http(exc), code
        message = exc.description or exc.name
        if _wants_json():
            return jsonify(error=exc.name, message=message), code
        return render_template("error.html", code=code, title=exc.name, message=message), code
