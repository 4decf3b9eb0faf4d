"""Launch failures, each worded for the LMS admin who has to fix it."""

from __future__ import annotations

MAX_SHOWN = 120


def shown(value: object) -> str:
    """A request-supplied value fit for a message and a log line: printable,
    one line, and short (whatever length an attacker sent)."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


class LtiError(Exception):
    """A login or launch we refuse. ``message`` is shown to the person as is,
    so it must say what is wrong and what to check, and never hold a secret."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class LaunchForbidden(LtiError):
    """The request is well formed but this platform/deployment may not launch."""

    status = 403
