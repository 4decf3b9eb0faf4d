"""What a service refuses, in words a person understands.

Views turn these into pages (the form again with each message next to its
field, or a 403/404 page); the JSON API turns them into problem details.
Services never return HTTP themselves, so pages, the API and the CLI share
one set of rules.
"""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """Base of the refusals below; ``message`` is shown as is."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """The thing does not exist, or this person may not know that it does."""

    status = 404


class NotAllowed(ServiceError):
    """The person may not do this (their role or their teams do not allow it)."""

    status = 403


class Conflict(ServiceError):
    """The thing changed meanwhile (deleted, already done)."""

    status = 409


class Invalid(ServiceError):
    """Input that breaks a rule; ``errors`` maps each field to its message."""

    status = 422

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {text}" for field, text in self.errors.items()))


class Checks:
    """Collects one message per field, then raises them all at once, so a
    form shows every problem on the first submit, not one per round trip."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def ok(self, field: str) -> bool:
        return field not in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid(self.errors)
