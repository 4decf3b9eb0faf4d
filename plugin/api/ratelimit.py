"""Rate limits per token (Flask-Limiter): a 429 with ``Retry-After`` once a
token has used its share, so one runaway script cannot starve the rest.

Counted in the process's memory (``memory://``): each WSGI process counts on
its own, which bounds a token per process; a shared store (Redis) is a
Flask-Limiter setting away when several processes must share the count.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, request
from flask_limiter import Limiter

from plugin.api.auth import bearer
from plugin.services.tokens import digest


def _key() -> str:
    """The token's digest (never the token itself); the address without a token."""
    raw = bearer()
    if raw:
        return "token:" + digest(raw)[:32]
    return "address:" + (request.remote_addr or "unknown")


def _setting() -> str:
    return str(current_app.config["LEADERLED"].api_rate_limit).strip()


def _off() -> bool:
    return _setting() in {"", "0"}


def _limit() -> str:
    # Flask-Limiter parses the limit even when exempt: "off" still needs a valid one.
    return "1 per second" if _off() else _setting()


limiter = Limiter(
    key_func=_key,
    headers_enabled=True,
    retry_after="delta-seconds",
    storage_uri="memory://",
    key_prefix="leaderled",
)


def limit_blueprint(bp: Blueprint) -> None:
    limiter.limit(_limit, exempt_when=_off)(bp)


def init_app(app: Flask) -> None:
    limiter.init_app(app)
