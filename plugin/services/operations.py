"""What the operations page shows L&D, per LRS: is every statement reaching
the LRS, and is the sync pulling formal records back? The figures come from
:func:`plugin.jobs.health.health` plus recent delivery counts and the sync
cursors; the warnings put what needs attention into words.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask_babel import format_timedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.i18n import _, ngettext
from plugin.jobs.health import LrsHealth, health
from plugin.models.outbox import DeliveryEvent, DeliveryEventKind, OutboxRow
from plugin.models.outbox import OutboxState as S
from plugin.models.sync import SyncCursor
from plugin.services.heartbeats import last_seen

#: A statement waiting longer than this means delivery is falling behind.
QUEUE_WAIT_WARNING = timedelta(minutes=15)
#: A sync older than this is stale: formal records may be missing from reports.
SYNC_STALE_WARNING = timedelta(hours=1)
#: Without a worker heartbeat for this long, nothing is being sent.
WORKER_GONE_WARNING = timedelta(minutes=5)
#: Parked statements listed per LRS on the page (the JSON API pages through all).
PARKED_SHOWN = 50


@dataclass(frozen=True)
class CursorView:
    query: str
    position: str  # the cursor as stored, shortened for the page
    pulled: int
    backfilling: bool
    last_success_at: datetime | None


@dataclass
class LrsView:
    figures: LrsHealth
    delivered_hour: int = 0
    delivered_day: int = 0
    cursors: list[CursorView] = field(default_factory=list)
    parked: Sequence[OutboxRow] = ()
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.figures.lrs

    @property
    def oldest_waiting(self) -> timedelta | None:
        seconds = self.figures.oldest_pending_seconds
        return None if seconds is None else timedelta(seconds=seconds)


@dataclass
class Operations:
    lrss: list[LrsView]
    worker_seen_at: datetime | None
    warnings: list[str]


def overview(session: Session, *, configured: Sequence[str], now: datetime) -> Operations:
    """Figures and warnings per LRS: those with rows, events or cursors, and ``configured``."""
    by_name = {figures.lrs: figures for figures in health(session)}
    for name in configured:
        by_name.setdefault(name, LrsHealth(name))
    views = [LrsView(by_name[name]) for name in sorted(by_name)]
    _delivered(session, views, now)
    _cursors(session, views)
    for view in views:
        view.parked = parked_of(session, view.name, limit=PARKED_SHOWN)
        view.warnings = _warnings(view, now)
        if view.name not in configured and (view.figures.queue_depth or view.figures.parked):
            # No worker sends to an LRS that is not configured: say so, not "check the worker".
            view.warnings.insert(
                0,
                _(
                    "No LRS called “%(name)s” is configured any more, so its statements wait "
                    "for ever: configure it again under that name (LEADERLED_LRS__%(upper)s__"
                    "ENDPOINT, or LEADERLED_LRS_ENDPOINT for “default”).",
                    name=view.name,
                    upper=view.name.upper(),
                ),
            )
    seen = last_seen(session)
    general = []
    if views and (seen is None or now - seen > WORKER_GONE_WARNING):
        general.append(
            _(
                "No worker has been seen for %(age)s: statements wait until one runs again.",
                age=str(format_timedelta(now - seen)),
            )
            if seen is not None
            else _("No worker has ever been seen: statements wait until `leaderled worker` runs.")
        )
    return Operations(views, seen, general)


def parked_of(session: Session, lrs: str, *, limit: int) -> Sequence[OutboxRow]:
    """The LRS's parked statements, newest first."""
    return session.scalars(
        select(OutboxRow)
        .where(OutboxRow.lrs == lrs, OutboxRow.state == S.PARKED)
        .order_by(OutboxRow.id.desc())
        .limit(limit)
    ).all()


def _delivered(session: Session, views: list[LrsView], now: datetime) -> None:
    by_name = {view.name: view for view in views}
    for since, attribute in ((now - timedelta(hours=1), "hour"), (now - timedelta(days=1), "day")):
        rows = session.execute(
            select(DeliveryEvent.lrs, func.sum(DeliveryEvent.count))
            .where(DeliveryEvent.kind == DeliveryEventKind.DELIVERED, DeliveryEvent.at >= since)
            .group_by(DeliveryEvent.lrs)
        )
        for lrs, total in rows:
            if lrs in by_name:
                setattr(by_name[lrs], f"delivered_{attribute}", int(total or 0))


def _cursors(session: Session, views: list[LrsView]) -> None:
    by_name = {view.name: view for view in views}
    for cursor in session.scalars(select(SyncCursor).order_by(SyncCursor.lrs, SyncCursor.query)):
        if cursor.lrs in by_name:
            by_name[cursor.lrs].cursors.append(
                CursorView(
                    query=cursor.query,
                    position=_position(cursor.cursor_json),
                    pulled=cursor.pulled,
                    backfilling=cursor.backfilling,
                    last_success_at=_utc(cursor.last_success_at),
                )
            )


def _position(cursor_json: str | None) -> str:
    """The cursor as a person can read it: its fields, not JSON punctuation."""
    if not cursor_json:
        return ""
    try:
        value = json.loads(cursor_json)
    except ValueError:
        return cursor_json[:200]
    if isinstance(value, dict):
        # A collection (the ids already seen at the mark) reads as its size.
        parts = (
            f"{k}: {len(v)} ids" if isinstance(v, dict | list) else f"{k}: {v}"
            for k, v in value.items()
            if v not in (None, "", [], {})
        )
        return ", ".join(parts)[:200]
    return str(value)[:200]


def _utc(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _warnings(view: LrsView, now: datetime) -> list[str]:
    found = []
    figures = view.figures
    held = _utc(figures.held_since)
    if held is not None:
        found.append(
            _(
                "Delivery has been paused for %(since)s: the LRS is down or refuses the "
                "connection (%(reason)s). Statements wait and are sent when it is back.",
                since=str(format_timedelta(now - held)),
                reason=figures.held_reason or "?",
            )
        )
    waited = view.oldest_waiting
    if waited is not None and waited > QUEUE_WAIT_WARNING:
        found.append(
            _(
                "The queue is growing: %(count)d statements wait, the oldest for %(age)s. "
                "Check that the worker runs and reaches the LRS (use the check below).",
                count=figures.queue_depth,
                age=str(format_timedelta(waited)),
            )
        )
    if figures.parked:
        found.append(
            ngettext(
                "%(num)d statement was refused by the LRS: fix the cause, then send it again "
                "or discard it.",
                "%(num)d statements were refused by the LRS: fix the cause, then send them "
                "again or discard them.",
                figures.parked,
            )
        )
    synced = _utc(figures.last_sync_at)
    if synced is not None and now - synced > SYNC_STALE_WARNING:
        found.append(
            _(
                "The sync is stale: the last successful one was %(age)s ago, so formal records "
                "that reached the LRS since are missing from reports.",
                age=str(format_timedelta(now - synced)),
            )
        )
    return found
