"""LTI knobs, read from the Flask config (``LTI_*`` keys) with safe defaults.

Kept apart from :mod:`plugin.config` so the LTI layer's limits live next to
the code that enforces them; tests and deployments override them through
``create_app({"LTI_CLOCK_LEEWAY": 5, ...})``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask, current_app

from plugin.lti.outbound import PrivateHosts

log = logging.getLogger(__name__)

#: Replaced by ``LTI_PRIVATE_HOSTS``; still read only to say so.
RETIRED_KEYS = {
    "LTI_ALLOW_PRIVATE_URLS": "LEADERLED_LTI_PRIVATE_HOSTS (the hosts or networks your LMS is on)",
    "LTI_HANDOFF_TTL": "nothing: the new window signs in through the LMS again",
}


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
    # Send cookies with Secure even on http:// (browsers accept it on localhost).
    secure_cookies: bool = True
    # Private hosts and networks outbound requests (configuration, registration,
    # keys, token, NRPS, AGS) may reach: an LMS on an internal network.
    private_hosts: PrivateHosts = field(default_factory=PrivateHosts)
    # Dynamic registration: new deployments active at once (not for production),
    # how many unapproved registrations may wait, and for how long (seconds).
    auto_approve_registrations: bool = False
    max_pending_registrations: int = 50
    pending_registration_ttl: int = 24 * 3600
    # The name the LMS lists the tool under (dynamic registration); default
    # "Leaderled (<public host>)".
    tool_name: str = ""

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
        secure_cookies=bool(config.get("LTI_SECURE_COOKIES", defaults.secure_cookies)),
        private_hosts=PrivateHosts.parse(_text(config.get("LTI_PRIVATE_HOSTS"))),
        tool_name=str(config.get("LTI_TOOL_NAME") or "").strip()[:255],
        auto_approve_registrations=config.get("LTI_AUTO_APPROVE_REGISTRATIONS") is True,
        max_pending_registrations=int(
            config.get("LTI_MAX_PENDING_REGISTRATIONS", defaults.max_pending_registrations)
        ),
        pending_registration_ttl=int(
            config.get("LTI_PENDING_REGISTRATION_TTL", defaults.pending_registration_ttl)
        ),
    )
    for key, instead in RETIRED_KEYS.items():
        if key in config:
            log.warning("LEADERLED_%s is no longer read; use %s", key, instead)
    target.extensions["leaderled.lti_settings"] = settings
    return settings


def _text(value: object) -> str | None:
    """A config value given as text, a number (``10.0.0.5`` stays text) or a list."""
    if value is None or value is False:
        return None
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return str(value)
