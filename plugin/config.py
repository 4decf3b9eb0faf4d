"""Application settings, read from ``LEADERLED_*`` environment variables.

One frozen dataclass rather than Flask's loose ``config`` dict, so every
setting is named, typed and documented in one place; ``create_app`` copies
it into ``app.config`` for Flask's own keys.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lrs_client.endpoint import without_credentials

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


#: ``LEADERLED_LRS__<NAME>__<KEY>`` configures the LRS called ``<name>``.
LRS_PREFIX = ENV_PREFIX + "LRS__"
#: The keys an LRS takes, in the environment and in the LRS file.
LRS_KEYS = ("endpoint", "username", "password", "token", "send", "pull")
#: What an LRS name may be: it is stored on every outbox row (64 characters).
LRS_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
#: The LRS of the single-LRS settings ``LEADERLED_LRS_ENDPOINT`` and friends.
DEFAULT_LRS_NAME = "default"


@dataclass(frozen=True)
class LrsTarget:
    """One LRS: where it is, how to log in, and whether it receives and/or is a source.

    ``send``: every statement recorded from now on is queued for it (its own
    outbox rows). ``pull``: formal records are synced from it.
    """

    name: str
    endpoint: str
    username: str = ""
    password: str = ""
    token: str = ""
    send: bool = True
    pull: bool = True

    def __repr__(self) -> str:  # never print credentials
        return (
            f"LrsTarget(name={self.name!r}, endpoint={without_credentials(self.endpoint)!r}, "
            f"username={self.username!r}, password={'***' if self.password else ''!r}, "
            f"token={'***' if self.token else ''!r}, send={self.send}, pull={self.pull})"
        )


def _lrs_value(where: str, key: str, raw: object) -> str | bool:
    if key in ("send", "pull"):
        if isinstance(raw, bool):
            return raw
        lowered = str(raw).strip().lower()
        if lowered not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            raise ValueError(f"{where} must be true or false, not {raw!r}")
        return lowered in {"1", "true", "yes", "on"}
    if not isinstance(raw, str):
        raise ValueError(f"{where} must be text, not {raw!r}")
    return raw


def read_lrs_file(path: str) -> dict[str, dict[str, str | bool]]:
    """The ``[lrs.<name>]`` tables of a TOML settings file (``LEADERLED_LRS_FILE``)."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise ValueError(f"LEADERLED_LRS_FILE: cannot read {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"LEADERLED_LRS_FILE: {path} is not valid TOML: {error}") from None
    tables = data.get("lrs", {})
    if not isinstance(tables, dict):
        raise ValueError(f"LEADERLED_LRS_FILE: in {path}, [lrs.<name>] tables are expected")
    found: dict[str, dict[str, str | bool]] = {}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise ValueError(f"LEADERLED_LRS_FILE: in {path}, lrs.{name} must be a table")
        for key, raw in table.items():
            if key not in LRS_KEYS:
                raise ValueError(
                    f"LEADERLED_LRS_FILE: in {path}, lrs.{name} has an unknown key {key!r} "
                    f"(known: {', '.join(LRS_KEYS)})"
                )
            found.setdefault(str(name).lower(), {})[key] = _lrs_value(
                f"lrs.{name}.{key} in {path}", key, raw
            )
    return found


def lrs_servers_from(env: Mapping[str, str], file: str = "") -> tuple[LrsTarget, ...]:
    """The named LRSs of the LRS file and of ``LEADERLED_LRS__<NAME>__<KEY>`` variables.

    A variable overrides the same key of the file, so a password can come
    from the environment while the rest lives in the file.
    """
    found = read_lrs_file(file) if file else {}
    for variable, raw in env.items():
        if not variable.startswith(LRS_PREFIX):
            continue
        name, sep, key = variable.removeprefix(LRS_PREFIX).rpartition("__")
        key = key.lower()
        if not sep or not name or key not in LRS_KEYS:
            raise ValueError(
                f"{variable} is not an LRS setting: use {LRS_PREFIX}<NAME>__<KEY> with KEY one "
                f"of {', '.join(k.upper() for k in LRS_KEYS)}"
            )
        found.setdefault(name.lower(), {})[key] = _lrs_value(variable, key, raw)
    targets = []
    for name, values in sorted(found.items()):
        if not LRS_NAME.match(name):
            raise ValueError(
                f"LRS name {name!r} is not valid: lower-case letters, digits, - and _ "
                "(64 at most), starting with a letter or digit"
            )
        endpoint = values.get("endpoint")
        if not isinstance(endpoint, str) or not endpoint.strip():
            raise ValueError(
                f"LRS {name!r} has no endpoint: set {LRS_PREFIX}{name.upper()}__ENDPOINT "
                "(or endpoint in its [lrs.<name>] table of LEADERLED_LRS_FILE)"
            )
        targets.append(LrsTarget(name=name, **values))  # type: ignore[arg-type]
    return tuple(targets)


@dataclass(frozen=True)
class Settings:
    """Everything the application can be told from outside."""

    database_url: str = field(default_factory=default_database_url)
    # SQLite only: "normal" lets an LTI launch commit without waiting for the
    # disk (README "Configuration"); "full" waits, as every other commit does.
    sqlite_launch_synchronous: str = "normal"
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
    # More LRSs, by name: a TOML file of [lrs.<name>] tables (see README "Several LRSs");
    # LEADERLED_LRS__<NAME>__<KEY> variables add to it and override it.
    lrs_file: str = ""
    # Filled from the two above by ``from_env``; not a variable of its own.
    lrs_servers: tuple[LrsTarget, ...] = ()
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

    def __post_init__(self) -> None:
        # ``dataclasses.asdict`` (the worker's child processes) turns targets into dicts.
        servers = tuple(s if isinstance(s, LrsTarget) else LrsTarget(**s) for s in self.lrs_servers)
        object.__setattr__(self, "lrs_servers", servers)
        names = [s.name for s in servers]
        if self.lrs_endpoint and DEFAULT_LRS_NAME in names:
            raise ValueError(
                "LEADERLED_LRS_ENDPOINT configures the LRS named 'default': do not also "
                f"configure {LRS_PREFIX}DEFAULT__ENDPOINT (or [lrs.default])"
            )
        if len(set(names)) != len(names):
            raise ValueError(f"an LRS name is given twice: {names}")
        if servers and self.lrs_endpoint == "" and not any(s.send for s in servers):
            raise ValueError(
                "no LRS receives statements: set SEND to true for at least one "
                f"({LRS_PREFIX}<NAME>__SEND)"
            )

    @property
    def lrs_targets(self) -> tuple[LrsTarget, ...]:
        """Every configured LRS; ``LEADERLED_LRS_ENDPOINT`` is the one named "default"."""
        default: tuple[LrsTarget, ...] = ()
        if self.lrs_endpoint:
            default = (
                LrsTarget(
                    name=DEFAULT_LRS_NAME,
                    endpoint=self.lrs_endpoint,
                    username=self.lrs_username,
                    password=self.lrs_password,
                    token=self.lrs_token,
                ),
            )
        return default + self.lrs_servers

    @property
    def send_lrs_names(self) -> tuple[str, ...]:
        """Who gets a copy of each statement; "default" alone while no LRS is configured,
        so the tool queues until one is."""
        names = tuple(t.name for t in self.lrs_targets if t.send)
        return names or (DEFAULT_LRS_NAME,)

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
            if f.name == "lrs_servers":
                continue
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            if f.type in ("bool", bool):
                values[f.name] = _as_bool(raw)
            elif f.type in ("int", "float", int, float):
                values[f.name] = _as_number(ENV_PREFIX + f.name.upper(), raw, f.type)
            else:
                values[f.name] = raw
        values["lrs_servers"] = lrs_servers_from(env, values.get("lrs_file", ""))
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
            if f.name == "lrs_endpoint":
                value = without_credentials(value)
            parts.append(f"{f.name}={'***' if f.name in hidden and value else repr(value)}")
        return f"Settings({', '.join(parts)})"
