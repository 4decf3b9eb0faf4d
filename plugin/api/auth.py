"""Bearer tokens for the API: who calls, with which scopes.

Tokens are not cookies, so the API needs no CSRF token (its blueprints are
exempt) and never reads the launch session. A missing, unknown, expired or
revoked token is a 401 with ``WWW-Authenticate``; a live token without the
scope an operation needs is a 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

from flask import g, request
from werkzeug.wrappers import Response

from plugin.api.problems import problem
from plugin.db import db_session
from plugin.i18n import _
from plugin.models.api import Scope
from plugin.services import tokens
from plugin.services.token_access import Grant

P = ParamSpec("P")
R = TypeVar("R")

#: Documented on every operation (OpenAPI security requirement).
SECURITY_SCHEME = "bearer"


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    kind, _sep, value = header.partition(" ")
    if kind.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def current_grant() -> Grant | None:
    """The grant of this request's token, authenticated once per request."""
    if "api_grant" not in g:
        raw = bearer()
        grant = None
        if raw:
            session = db_session()
            known = tokens.authenticate(session, raw, datetime.now(UTC))
            if known is not None:
                grant = known.grant
                if known.wrote:
                    session.commit()  # its last use
        g.api_grant = grant
    found: Grant | None = g.api_grant
    return found


def grant() -> Grant:
    found = current_grant()
    assert found is not None, "only called inside @requires"
    return found


def unauthorised() -> Response:
    return problem(
        401,
        _(
            "Send a valid API token: Authorization: Bearer <token>. "
            "It may have expired or been revoked."
        ),
        headers={"WWW-Authenticate": 'Bearer realm="leaderled"'},
    )


def requires(scope: Scope | None) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """Allow the operation only to a live token holding ``scope`` (None: any live token)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R | Response]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            found = current_grant()
            if found is None:
                return unauthorised()
            if scope is not None and scope not in found.scopes:
                return problem(
                    403,
                    _("This token lacks the scope %(scope)s.", scope=str(scope)),
                    headers={
                        "WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'
                    },
                )
            return view(*args, **kwargs)

        wrapper._leaderled_scope = scope  # type: ignore[attr-defined]  # for the route matrix
        return wrapper

    return decorate
