"""Application settings, read from ``LEADERLED_*`` environment variables.

One frozen dataclass rather than Flask's loose ``config`` dict, so every
setting is named, typed and documented in one place; ``create_app`` copies
it into ``app.config`` for Flask's own keys.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "LEADERLED_"


def default_database_url() -> str:
    """A SQLite file in the working directory: zero set-up for a first run."""
    return "sqlite:///" + str(Path.cwd() / "leaderled.sqlite3")


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _as_number(name: str, raw: str, kind: object) -> int | float:
    try:
        return int(raw) if kind in ("int", int) else float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None


#: Flask config keys that may also come from the environment as ``LEADERLED_<KEY>``
#: (the LTI layer's limits live next to the code that enforces them).
FLASK_KEY_PREFIXES = ("LTI_",)


def flask_config_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``LEADERLED_LTI_CLOCK_LEEWAY=5`` -> ``{"LTI_CLOCK_LEEWAY": 5}``, typed.

    Values read as booleans (true/false, yes/no, on/off) or whole numbers
    where they look like one, so ``bool("false")`` can never switch a check on.
    """
    env = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for name, raw in env.items():
        key = name.removeprefix(ENV_PREFIX)
        if key == name or not key.startswith(FLASK_KEY_PREFIXES):
            continue
        lowered = raw.strip().lower()
        if lowered in {"true", "yes", "on", "false", "no", "off"}:
            found[key] = lowered in {"true", "yes", "on"}
        elif lowered.lstrip("-").isdigit():
            found[key] = int(lowered)
        else:
            found[key] = raw
    return found


@dataclass(frozen=True)
class Settings:
    """Everything the application can be told from outside."""

    database_url: str = field(default_factory=default_database_url)
    # Public base URL of this tool (what browsers and LMSs reach it at).
    public_url: str = "http://localhost:5000"
    # Base IRI for everything we mint; by default served by this app itself.
    profile_base: str = ""
    secret_key: str = ""
    # Default language for pages (when neither the launch nor the browser says).
    default_locale: str = "en"
    # Time zone pages show times in and read form times in (IANA name).
    timezone: str = "UTC"
    # The organisation's LRS (optional: the tool works without one, queuing).
    lrs_endpoint: str = ""
    lrs_username: str = ""
    lrs_password: str = ""
    lrs_token: str = ""
    # Outbox delivery and sync workers (plugin/jobs).
    delivery_batch_size: int = 200
    delivery_lease_seconds: int = 120
    delivery_poll_seconds: float = 1.0
    delivery_max_backoff_seconds: int = 900
    # While the LRS is down, the worker reads from it at most this often to see it back.
    delivery_probe_seconds: float = 5.0
    sync_page_size: int = 500
    sync_overlap_seconds: int = 300
    # How often the worker applies the retention periods (plugin/jobs/retention.py).
    retention_interval_seconds: int = 3600
    # Uploaded library files: a directory outside the web root, and the size limit.
    upload_dir: str = ""
    upload_max_bytes: int = 10_000_000
    # Reverse proxies in front of the tool whose X-Forwarded-For/-Proto to trust
    # (per-address rate limits need the visitor's address, not the proxy's).
    proxy_hops: int = 0
    # Where rate-limit counters live: per process by default; a shared store
    # (e.g. redis://host:6379) when several processes serve the tool.
    rate_limit_storage_uri: str = "memory://"
    # Log level of the web process and the worker (stderr).
    log_level: str = "INFO"
    # Log lines: "plain" (readable, one line per event) or "json" (one JSON object per line).
    log_format: str = "plain"
    # /readyz: a worker must have written its heartbeat within this many seconds.
    ready_worker_seconds: int = 120
    # /metrics: a bearer token scrapers send, and/or addresses (CIDRs, comma-separated)
    # allowed without one; with neither set, /metrics refuses everyone.
    metrics_token: str = ""
    metrics_allow: str = ""
    # Fernet keys (comma-separated, newest first) that encrypt the tool's
    # private signing keys in the database; generate with `leaderled lti keys new-secret`.
    key_encryption_keys: str = ""
    # JSON API: requests per token and period (Flask-Limiter syntax; "0" turns it off).
    api_rate_limit: str = "600 per minute"
    # Echo SQL (debugging only).
    sql_echo: bool = False
    testing: bool = False

    @property
    def resolved_profile_base(self) -> str:
        return (self.profile_base or self.public_url.rstrip("/") + "/xapi").rstrip("/")

    @property
    def resolved_upload_dir(self) -> str:
        return self.upload_dir or str(Path.cwd() / "leaderled-uploads")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            if f.type in ("bool", bool):
                values[f.name] = _as_bool(raw)
            elif f.type in ("int", "float", int, float):
                values[f.name] = _as_number(ENV_PREFIX + f.name.upper(), raw, f.type)
            else:
                values[f.name] = raw
        return cls(**values)

    def merged(self, overrides: dict[str, Any] | None) -> Settings:
        """Apply overrides given as settings names (``database_url``) or
        environment-style keys (``LEADERLED_DATABASE_URL``)."""
        if not overrides:
            return self
        known = {f.name for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in overrides.items():
            name = key.removeprefix(ENV_PREFIX).lower()
            if name in known:
                clean[name] = value
        return replace(self, **clean)

    def with_secret(self) -> Settings:
        """Generate a per-process secret when none is configured (dev only)."""
        if self.secret_key:
            return self
        return replace(self, secret_key=secrets.token_urlsafe(32))

    def __repr__(self) -> str:  # never print credentials
        hidden = {
            "secret_key",
            "lrs_password",
            "lrs_token",
            "database_url",
            "key_encryption_keys",
            "rate_limit_storage_uri",
            "metrics_token",
        }
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            parts.append(f"{f.name}={'***' if f.name in hidden and value else repr(value)}")
        return f"Settings({', '.join(parts)})"
