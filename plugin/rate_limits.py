"""Per-address rate limits on the routes anyone can call without an account.

``/lti/login`` writes a login state and ``/lti/register`` makes the tool call
out and may store a pending registration: one address flooding either must
not fill the bounded login-state table (evicting everyone else's logins) or
the pending-registration cap. Limits are Flask-Limiter's, one limiter per
application (its storage is per limiter object); the limited endpoints are
listed in :data:`LIMITED`, so this module is the one place that says what is
limited and how much. Behind a reverse proxy, ``LEADERLED_PROXY_HOPS`` says
how many ``X-Forwarded-For`` entries to trust, or every visitor would share
the proxy's address.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from plugin.config import Settings

EXTENSION = "leaderled.limiter"

# endpoint -> (config key, default limit, message for the person refused)
LIMITED: dict[str, tuple[str, str, str]] = {
    "lti.login": (
        "LTI_LOGIN_RATE_LIMIT",
        "120 per minute",
        "Too many launches from your network address in a short time. Wait a minute and "
        "open Leaderled again from the course.",
    ),
    "lti_registration.register": (
        "LTI_REGISTRATION_RATE_LIMIT",
        "10 per hour",
        "Too many registration attempts from your network address. Wait an hour and start "
        "the registration again from the LMS.",
    ),
}


def _limit_of(key: str, default: str) -> Callable[[], str]:
    def value() -> str:
        configured = current_app.config.get(key)
        return default if configured is None else str(configured)

    return value


def _disabled(key: str) -> Callable[[], bool]:
    """An empty limit (``LEADERLED_LTI_LOGIN_RATE_LIMIT=``) switches it off."""

    def exempt() -> bool:
        configured = current_app.config.get(key)
        return configured is not None and not str(configured).strip()

    return exempt


def init_app(app: Flask) -> Limiter:
    """Limit the endpoints in :data:`LIMITED` (call after the blueprints are registered)."""
    settings: Settings = app.config["LEADERLED"]
    if settings.proxy_hops > 0:
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=settings.rate_limit_storage_uri,
        headers_enabled=True,
        strategy="moving-window",
    )
    limiter.init_app(app)
    for endpoint, (key, default, message) in LIMITED.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            decorate = limiter.limit(
                _limit_of(key, default), error_message=message, exempt_when=_disabled(key)
            )
            app.view_functions[endpoint] = decorate(view)  # type: ignore[assignment]
    app.extensions[EXTENSION] = limiter
    return limiter
