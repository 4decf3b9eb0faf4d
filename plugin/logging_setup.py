"""Logging for the web process and the worker: one stderr handler on the root
logger at ``LEADERLED_LOG_LEVEL`` (default INFO), so an admin sees why a
launch was refused, which platform registered, what the worker did.

Neither waitress nor Python show INFO lines on their own (the tool's log held
only "Serving on ..." after a day of refused launches); every entry point
builds the app through ``create_app``, which calls :func:`configure`.
"""

from __future__ import annotations

import logging
import sys

ENV_NAME = "LEADERLED_LOG_LEVEL"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """Ours, so configuring twice (several apps in one process) adds one."""


def level_of(name: str) -> int:
    wanted = name.strip().upper()
    if wanted not in LEVELS:
        raise ValueError(f"{ENV_NAME} must be one of {', '.join(LEVELS)}, not {name!r}")
    return int(getattr(logging, wanted))


def configure(level_name: str) -> None:
    level = level_of(level_name)
    root = logging.getLogger()
    if not any(isinstance(h, _Handler) for h in root.handlers):
        handler = _Handler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    root.setLevel(level)
