"""Retention (GDPR article 5: no longer than needed), run by the worker.

With a period set (:mod:`.settings`): leader-led records that happened
before it are purged locally and their statements voided in the LRS (as
erasure does, through the outbox); pulled formal records older than their
period are dropped (reports then reach back that far only); access-log
entries older than theirs are deleted. A run that finds nothing changes
nothing, so running it again is harmless; a run that removed something
leaves an audit entry with counts only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plugin.config import Settings
from plugin.models.formal import FormalRecord
from plugin.models.privacy import AccessLogEntry, PrivacyAction, PrivacyAudit
from plugin.models.records import LeaderLedRecord
from plugin.services.privacy.settings import RetentionPeriods, retention_periods
from plugin.services.privacy.voiding import Voider, purge_records


@dataclass
class RetentionResult:
    periods: RetentionPeriods
    rows: dict[str, int] = field(default_factory=dict)
    statements_voided: int = 0
    reference: str | None = None

    @property
    def removed(self) -> int:
        return sum(self.rows.values())


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def run_retention(
    session: Session, settings: Settings, now: datetime, *, by_role: str = "worker"
) -> RetentionResult:
    """Apply the organisation's retention periods once; the caller commits."""
    periods = retention_periods(session)
    result = RetentionResult(periods)
    voider = Voider(session, settings, now)
    if periods.records is not None:
        cutoff = now - timedelta(days=periods.records)
        old = list(
            session.scalars(select(LeaderLedRecord.id).where(LeaderLedRecord.occurred_at < cutoff))
        )
        for table, count in purge_records(session, old, voider).items():
            result.rows[table] = result.rows.get(table, 0) + count
    if periods.formal is not None:
        cutoff = now - timedelta(days=periods.formal)
        result.rows["formal_record"] = _count(
            session.execute(delete(FormalRecord).where(FormalRecord.timestamp < cutoff))
        )
    if periods.access_log is not None:
        cutoff = now - timedelta(days=periods.access_log)
        result.rows["access_log"] = _count(
            session.execute(delete(AccessLogEntry).where(AccessLogEntry.at < cutoff))
        )
    result.rows = {table: n for table, n in sorted(result.rows.items()) if n}
    result.statements_voided = voider.count
    if result.rows:
        result.reference = str(uuid.uuid4())
        session.add(
            PrivacyAudit(
                reference=result.reference,
                action=PrivacyAction.RETENTION,
                at=now,
                by_role=by_role,
                rows=result.rows,
                statements_voided=result.statements_voided,
            )
        )
    session.flush()
    return result
