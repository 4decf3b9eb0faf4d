"""Error pages that say what went wrong in words, never a stack trace."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from plugin.db import rollback_request_session
from plugin.i18n import _, lazy

#: The page's heading in the page's language (Werkzeug's names are English only).
TITLES: dict[int, Any] = {
    400: lazy("Bad Request"),
    401: lazy("Unauthorized"),
    403: lazy("Forbidden"),
    404: lazy("Not Found"),
    405: lazy("Method Not Allowed"),
    409: lazy("Conflict"),
    413: lazy("Request Entity Too Large"),
    429: lazy("Too Many Requests"),
    500: lazy("Internal Server Error"),
    503: lazy("Service Unavailable"),
}
#: Said instead of Werkzeug's own English description, when a view gave none.
MESSAGES: dict[int, Any] = {
    400: lazy("Leaderled could not understand this request. Reload the page and try again."),
    403: lazy("You may not open this page."),
    404: lazy(
        "There is no page at this address. Go back, or open Leaderled again from your course."
    ),
    405: lazy("This page cannot be used that way. Go back and use its buttons."),
    413: lazy("The file is too large."),
    429: lazy("Too many requests in a short time. Wait a minute, then try again."),
    500: lazy(
        "Something went wrong in Leaderled. Try again in a moment; if it keeps happening, "
        "tell your L&D team."
    ),
}


#: Lazy, like the titles: the page's language is chosen while the page renders,
#: where a connection lost meanwhile is handled (``_error_page``).
KEYS_UNAVAILABLE = lazy(
    "Leaderled cannot use its signing keys right now; its administrator has been told."
)


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or best == "application/json"


#: Seconds a client is asked to wait after a lost database connection.
RETRY_AFTER_LOST_DATABASE = "1"


def database_lost() -> str:
    return _(
        "Leaderled lost its connection to its database and has opened a new one. "
        "This request may not have been completed: check whether it was, then try again."
    )


def _error_page(code: int, title: Any, message: Any) -> str:
    """The error page, in the viewer's language. Choosing the language reads the
    launch session: when that is the request's first database use and its
    connection has died (a database restart), the error page itself would fail
    (a plain 500 from Flask); the pool has replaced the connection, so the
    request's transaction is ended and the page rendered again on a new one."""
    try:
        return render_template("error.html", code=code, title=title, message=message)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        current_app.logger.warning(
            "database connection lost while rendering an error page: %s", type(error.orig)
        )
        rollback_request_session()
        return render_template("error.html", code=code, title=title, message=message)


def register(app: Flask) -> None:
    from plugin.lti.keys import KeysUnavailable

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError) -> tuple[Response | str, int, dict[str, str]]:
        """A connection that died under a request (a database restart): 503,
        try again; the pool has already replaced it. Any other database
        error is a 500 like every unexpected one."""
        if not exc.connection_invalidated:
            raise exc  # logged and answered as any other unexpected error
        app.logger.warning("database connection lost during a request: %s", type(exc.orig))
        rollback_request_session()
        headers = {"Retry-After": RETRY_AFTER_LOST_DATABASE}
        message = database_lost()
        if _wants_json():
            return jsonify(error="Service Unavailable", message=message), 503, headers
        return _error_page(503, TITLES[503], message), 503, headers

    @app.errorhandler(KeysUnavailable)
    def keys_unavailable(exc: KeysUnavailable) -> tuple[Response | str, int]:
        app.logger.error("tool keys unavailable: %s", exc)
        if _wants_json():
            return jsonify(error="Service Unavailable", message=str(KEYS_UNAVAILABLE)), 503
        return _error_page(503, TITLES[503], KEYS_UNAVAILABLE), 503

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response | str, int]:
        code = exc.code or 500
        if request.path.startswith("/api/"):
            from plugin.api.problems import from_http

            return from_http(exc), code
        message = exc.description or exc.name
        if _wants_json():
            return jsonify(error=exc.name, message=message), code
        if code in MESSAGES and message == type(exc).description:
            message = MESSAGES[code]
        title = TITLES.get(code, exc.name)
        return _error_page(code, title, message), code
