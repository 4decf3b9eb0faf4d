"""Who is asking: the launch session behind the request, and role checks.

Pages the tool serves after a launch use :func:`current_launch` or the
:func:`require_role` decorator; both read only the server-side session (never
a role from a request parameter).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import abort, g, request

from plugin import csp
from plugin.db import db_session
from plugin.i18n import _
from plugin.lti.session import SESSION_COOKIE, find_session
from plugin.models.lti import LtiLaunchSession
from plugin.models.people import Role

P = ParamSpec("P")
R = TypeVar("R")


def current_launch() -> LtiLaunchSession | None:
    """The launch session of this request's cookie, or None. A page that
    reads the launch may be framed by the LMS page that launched it."""
    if "lti_launch" not in g:
        g.lti_launch = find_session(
            db_session(), request.cookies.get(SESSION_COOKIE), int(time.time())
        )
    launch: LtiLaunchSession | None = g.lti_launch
    if launch is not None:
        csp.frame_by(launch.frame_origin)
    return launch


def require_launch() -> LtiLaunchSession:
    launch = current_launch()
    if launch is None:
        abort(
            401,
            description=_(
                "No LTI launch in this browser. Open Leaderled from your course in the LMS; "
                "if it is shown inside the course page and this keeps happening, use "
                "'Open in a new window'."
            ),
        )
    return launch


def require_role(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Allow a view only to launches whose role is one of ``roles`` (403 otherwise)."""
    allowed = frozenset(roles)

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            launch = require_launch()
            if launch.role not in allowed:
                from plugin.views.labels import role_label

                names = ", ".join(sorted(str(role_label(r.value)) for r in allowed))
                abort(
                    403,
                    description=_(
                        "This page is for: %(roles)s. You launched as %(role)s. Ask your LMS "
                        "admin if your course role is wrong.",
                        roles=names,
                        role=str(role_label(launch.role.value)),
                    ),
                )
            return view(*args, **kwargs)

        return wrapper

    return decorate
