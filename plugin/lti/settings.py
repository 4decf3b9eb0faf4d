"""LTI knobs, read from the Flask config (``LTI_*`` keys) with safe defaults.

Kept apart from :mod:`plugin.config` so the LTI layer's limits live next to
the code that enforces them; tests and deployments override them through
``create_app({"LTI_CLOCK_LEEWAY": 5, ...})``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app


@dataclass(frozen=True)
class LtiSettings:
    public_url: str
    # Seconds of clock skew tolerated on exp/iat (Moodle's tokens live 60 s).
    clock_leeway: int = 10
    # An id_token issued longer ago than this is refused even if exp allows it.
    max_token_age: int = 3600
    login_state_ttl: int = 600
    max_login_states: int = 10_000
    max_used_nonces: int = 100_000
    session_ttl: int = 8 * 3600
    max_sessions: int = 100_000
    handoff_ttl: int = 120
    # Send cookies with Secure even on http:// (browsers accept it on localhost).
    secure_cookies: bool = True
    # Let outbound requests (platform configuration, registration, JWKS) reach
    # loopback and private addresses: for tests, the demo and a test LMS only.
    allow_private_urls: bool = False

    @property
    def origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    def url(self, path: str) -> str:
        return self.public_url.rstrip("/") + path

    def is_own_url(self, url: str) -> bool:
        """True for an absolute URL on this tool (same origin and base path):
        the only allowed ``target_link_uri`` values, so no open redirect."""
        try:
            parts = urlsplit(url)
            base = urlsplit(self.public_url)
        except ValueError:
            return False
        if parts.scheme != base.scheme or parts.netloc.lower() != base.netloc.lower():
            return False
        if parts.username or parts.password:
            return False
        prefix = base.path.rstrip("/") + "/"
        return (parts.path or "/").startswith(prefix) or parts.path == base.path.rstrip("/")


def lti_settings(app: Flask | None = None) -> LtiSettings:
    target = app if app is not None else current_app
    cached = target.extensions.get("leaderled.lti_settings")
    if isinstance(cached, LtiSettings):
        return cached
    config = target.config
    defaults = LtiSettings(public_url="")
    settings = LtiSettings(
        public_url=config["LEADERLED"].public_url,
        clock_leeway=int(config.get("LTI_CLOCK_LEEWAY", defaults.clock_leeway)),
        max_token_age=int(config.get("LTI_MAX_TOKEN_AGE", defaults.max_token_age)),
        login_state_ttl=int(config.get("LTI_LOGIN_STATE_TTL", defaults.login_state_ttl)),
        max_login_states=int(config.get("LTI_MAX_LOGIN_STATES", defaults.max_login_states)),
        max_used_nonces=int(config.get("LTI_MAX_USED_NONCES", defaults.max_used_nonces)),
        session_ttl=int(config.get("LTI_SESSION_TTL", defaults.session_ttl)),
        max_sessions=int(config.get("LTI_MAX_SESSIONS", defaults.max_sessions)),
        handoff_ttl=int(config.get("LTI_HANDOFF_TTL", defaults.handoff_ttl)),
        secure_cookies=bool(config.get("LTI_SECURE_COOKIES", defaults.secure_cookies)),
        allow_private_urls=config.get("LTI_ALLOW_PRIVATE_URLS", False) is True,
    )
    target.extensions["leaderled.lti_settings"] = settings
    return settings
