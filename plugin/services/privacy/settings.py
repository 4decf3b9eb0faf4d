"""The organisation's retention periods (one installation, one organisation).

Kept in ``privacy_settings`` (one row) so an L&D admin sees and changes them
on the privacy page; none is set by default, so nothing is purged until the
organisation decides how long it keeps records.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.people import Role
from plugin.models.privacy import PrivacySettings
from plugin.services.errors import Checks, NotAllowed
from plugin.services.people import Actor

#: Shortest and longest period one may set, in days (a typo of "1" must not purge).
MIN_DAYS = 30
MAX_DAYS = 36500


@dataclass(frozen=True)
class RetentionPeriods:
    """Days to keep each kind of data; None keeps it for as long as the installation."""

    records: int | None = None
    formal: int | None = None
    access_log: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.records, self.formal, self.access_log))


def _row(session: Session) -> PrivacySettings | None:
    return session.scalar(select(PrivacySettings).order_by(PrivacySettings.id).limit(1))


def retention_periods(session: Session) -> RetentionPeriods:
    row = _row(session)
    if row is None:
        return RetentionPeriods()
    return RetentionPeriods(
        row.record_retention_days, row.formal_retention_days, row.access_log_retention_days
    )


def _messages() -> dict[str, str]:
    """One message per field, so the error summary says which one is wrong."""
    return {
        "records": _(
            "Enter how many days to keep leader-led records: a whole number from %(min)d to "
            "%(max)d, or leave it empty.",
            min=MIN_DAYS,
            max=MAX_DAYS,
        ),
        "formal": _(
            "Enter how many days to keep formal records: a whole number from %(min)d to "
            "%(max)d, or leave it empty.",
            min=MIN_DAYS,
            max=MAX_DAYS,
        ),
        "access_log": _(
            "Enter how many days to keep the access log: a whole number from %(min)d to "
            "%(max)d, or leave it empty.",
            min=MIN_DAYS,
            max=MAX_DAYS,
        ),
    }


def _days(checks: Checks, field: str, text: str | None) -> int | None:
    value = (text or "").strip()
    if not value:
        return None
    if not value.isdigit() or not MIN_DAYS <= int(value) <= MAX_DAYS:
        checks.fail(field, _messages()[field])
        return None
    return int(value)


def set_retention(
    session: Session,
    actor: Actor | None,
    *,
    records: str | None,
    formal: str | None,
    access_log: str | None,
) -> RetentionPeriods:
    """Check and store the periods (``actor`` None: the command line)."""
    if actor is not None and actor.role is not Role.LND_ADMIN:
        raise NotAllowed(_("Only an L&D admin can change how long data is kept."))
    checks = Checks()
    periods = RetentionPeriods(
        _days(checks, "records", records),
        _days(checks, "formal", formal),
        _days(checks, "access_log", access_log),
    )
    checks.raise_if_any()
    row = _row(session)
    if row is None:
        row = PrivacySettings(id=1)
        session.add(row)
    row.record_retention_days = periods.records
    row.formal_retention_days = periods.formal
    row.access_log_retention_days = periods.access_log
    row.updated_by = actor.person_id if actor is not None else None
    session.flush()
    return periods
