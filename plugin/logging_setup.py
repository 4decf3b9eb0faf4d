"""Logging for the web process and the worker: one stderr handler on the root
logger at ``LEADERLED_LOG_LEVEL`` (default INFO), so an admin sees why a
launch was refused, which platform registered, what the worker did.

Neither waitress nor Python show INFO lines on their own (the tool's log held
only "Serving on ..." after a day of refused launches); every entry point
builds the app through ``create_app``, which calls :func:`configure`.

One line per event, whatever the event: a traceback or a message with line
breaks is folded onto its line, so log shippers never split an event.
``LEADERLED_LOG_FORMAT=json`` writes each line as a JSON object. Lines
written while a request is served carry its request id (:func:`init_app`:
the caller's ``X-Request-ID`` when it is sane, else a new one, echoed in the
response). E-mail addresses and bearer tokens that slip into a message are
masked: logs hold ids, never secrets or personal data.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

ENV_NAME = "LEADERLED_LOG_LEVEL"
FORMAT_ENV_NAME = "LEADERLED_LOG_FORMAT"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMATS = ("plain", "json")
REQUEST_ID_HEADER = "X-Request-ID"
#: What we accept as a caller's request id: short, and nothing a log line could be forged with.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
#: Requests polled by machines: logged at DEBUG, so a load balancer does not flood the log.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_TOKEN = re.compile(r"\bllt_[A-Za-z0-9_-]+")

access_log = logging.getLogger("leaderled.request")


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """Ours, so configuring twice (several apps in one process) adds one."""


def level_of(name: str) -> int:
    wanted = name.strip().upper()
    if wanted not in LEVELS:
        raise ValueError(f"{ENV_NAME} must be one of {', '.join(LEVELS)}, not {name!r}")
    return int(getattr(logging, wanted))


def format_of(name: str) -> str:
    wanted = name.strip().lower()
    if wanted not in FORMATS:
        raise ValueError(f"{FORMAT_ENV_NAME} must be one of {', '.join(FORMATS)}, not {name!r}")
    return wanted


def redact(text: str) -> str:
    """Mask e-mail addresses and credentials a message may carry."""
    text = _BEARER.sub(lambda m: f"{m.group(1)} ***", text)
    text = _TOKEN.sub("llt_***", text)
    return _EMAIL.sub("<e-mail>", text)


def current_request_id() -> str | None:
    if not has_request_context():
        return None
    found: str | None = g.get("request_id")
    return found


class PlainFormatter(logging.Formatter):
    """``time LEVEL logger: message [request_id=...]`` on one line."""

    def __init__(self) -> None:
        super().__init__(FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = redact(super().format(record))
        request_id = current_request_id()
        if request_id:
            line += f" request_id={request_id}"
        return line.replace("\r", "").replace("\n", " | ")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, error."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def formatter(format_name: str) -> logging.Formatter:
    return JsonFormatter() if format_of(format_name) == "json" else PlainFormatter()


def configure(level_name: str, format_name: str = "plain") -> None:
    level = level_of(level_name)
    chosen = formatter(format_name)
    root = logging.getLogger()
    ours = [h for h in root.handlers if isinstance(h, _Handler)]
    if not ours:
        handler = _Handler(sys.stderr)
        root.addHandler(handler)
        ours = [handler]
    for handler in ours:
        handler.setFormatter(chosen)
    root.setLevel(level)


def request_id_of(sent: str | None) -> str:
    """The caller's id when it is sane, else a new one."""
    if sent and SANE_REQUEST_ID.match(sent):
        return sent
    return uuid.uuid4().hex


def _begin() -> None:
    g.request_id = request_id_of(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _end(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    if started is not None:
        level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
        # The path holds ids at most; the query string may hold anything, so it stays out.
        access_log.log(
            level,
            "%s %s %d %.1f ms",
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
    return response


def init_app(app: Flask) -> None:
    """A request id per request, and one access line per request."""
    format_of(app.config["LEADERLED"].log_format)  # a wrong setting fails at start-up
    app.before_request(_begin)
    app.after_request(_end)
