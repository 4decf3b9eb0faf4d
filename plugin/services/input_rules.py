"""The rules every recording form and API call share: durations, moments,
titles and notes. One place, so a page and the API refuse the same input
with the same words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plugin.i18n import _
from plugin.services.errors import Checks

MAX_MINUTES = 24 * 60
MAX_TITLE = 200
MAX_NOTES = 5000
#: A clock a few minutes fast on the phone is not "the future".
FUTURE_LEEWAY = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def _printable(text: str) -> bool:
    return all(ch.isprintable() or ch in "\n\r\t" for ch in text)


def minutes(checks: Checks, field: str, value: int | None) -> int:
    if value is None:
        checks.fail(field, _("Enter how long it took, in minutes."))
        return 0
    if value < 1:
        checks.fail(field, _("The duration must be at least 1 minute."))
    elif value > MAX_MINUTES:
        checks.fail(field, _("The duration must be 24 hours (1440 minutes) or less."))
    return value


def moment(checks: Checks, field: str, value: datetime | None, now: datetime) -> datetime:
    if value is None:
        checks.fail(field, _("Enter the date and time it happened."))
        return now
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if value > now + FUTURE_LEEWAY:
        checks.fail(field, _("The date must be today or in the past, not in the future."))
    elif value < EARLIEST:
        checks.fail(field, _("The date must be in the year 2000 or later."))
    return value


def title(checks: Checks, field: str, value: str | None, *, required: bool) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        checks.fail(field, _("Enter a title."))
    elif len(text) > MAX_TITLE:
        checks.fail(field, _("The title must be %(max)d characters or fewer.", max=MAX_TITLE))
    elif not _printable(text):
        checks.fail(field, _("The title contains characters that cannot be shown."))
    return text


def notes(checks: Checks, field: str, value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_NOTES:
        checks.fail(field, _("Notes must be %(max)d characters or fewer.", max=MAX_NOTES))
    elif not _printable(text):
        checks.fail(field, _("The notes contain characters that cannot be shown."))
    return text
