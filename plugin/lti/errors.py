"""Launch failures, each worded for the LMS admin who has to fix it."""

from __future__ import annotations


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
