"""Records for machines: filtered, newest first, in pages with a cursor.

A cursor (the last row's time and id) stays correct while records are added
between two pages, unlike page numbers. What a caller may see is given as a
:class:`Reach` (their own records, and the records of the teams they may
read), so the API, and later the reports, share one query.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session, selectinload

from plugin.i18n import _
from plugin.models.records import LeaderLedRecord, RecordKind, RecordParticipant, RecordState
from plugin.services.errors import Invalid, NotFound
from plugin.services.record_queries import DeliveryState, delivery_states


@dataclass(frozen=True)
class Reach:
    """Records owned by ``person_id`` (only those of ``own_teams``, when given),
    plus those of ``team_ids`` (None: every team)."""

    person_id: int | None
    team_ids: frozenset[int] | None
    own_teams: frozenset[int] | None = None

    def clause(self) -> ColumnElement[bool]:
        own: ColumnElement[bool] = (
            LeaderLedRecord.leader_id == self.person_id if self.person_id else false()
        )
        if self.person_id and self.own_teams is not None:
            own = and_(own, LeaderLedRecord.team_id.in_(self.own_teams))
        if self.team_ids is None:
            return true()
        teams = LeaderLedRecord.team_id.in_(self.team_ids) if self.team_ids else false()
        return or_(own, teams)

    def sees(self, row: LeaderLedRecord) -> bool:
        if (
            self.person_id is not None
            and row.leader_id == self.person_id
            and (self.own_teams is None or row.team_id in self.own_teams)
        ):
            return True
        return self.team_ids is None or row.team_id in self.team_ids


@dataclass(frozen=True)
class FeedFilter:
    kind: RecordKind | None = None
    leader_id: int | None = None
    team_id: int | None = None
    person_id: int | None = None  # a participant (attendee, learner, ...)
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class FeedPage:
    rows: list[LeaderLedRecord]
    delivery: dict[int, DeliveryState]
    next_cursor: str | None


def encode_cursor(row: LeaderLedRecord) -> str:
    moment = row.occurred_at if row.occurred_at.tzinfo else row.occurred_at.replace(tzinfo=UTC)
    text = json.dumps([moment.astimezone(UTC).isoformat(), row.id])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment_text, row_id = json.loads(raw)
        moment = datetime.fromisoformat(moment_text)
        if not isinstance(row_id, int) or moment.tzinfo is None:
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Invalid(
            {"cursor": _("This cursor is not one we gave out; start again without it.")}
        ) from None
    return moment.astimezone(UTC), row_id


def feed(
    session: Session, reach: Reach, chosen: FeedFilter, *, cursor: str | None, limit: int
) -> FeedPage:
    """One page of active records ``reach`` may see, newest first."""
    query = select(LeaderLedRecord).where(
        reach.clause(), LeaderLedRecord.state == RecordState.ACTIVE
    )
    if chosen.kind is not None:
        query = query.where(LeaderLedRecord.kind == chosen.kind)
    if chosen.leader_id is not None:
        query = query.where(LeaderLedRecord.leader_id == chosen.leader_id)
    if chosen.team_id is not None:
        query = query.where(LeaderLedRecord.team_id == chosen.team_id)
    if chosen.person_id is not None:
        query = query.where(
            LeaderLedRecord.id.in_(
                select(RecordParticipant.record_id).where(
                    RecordParticipant.person_id == chosen.person_id
                )
            )
        )
    if chosen.since is not None:
        query = query.where(LeaderLedRecord.occurred_at >= chosen.since.astimezone(UTC))
    if chosen.until is not None:
        query = query.where(LeaderLedRecord.occurred_at < chosen.until.astimezone(UTC))
    if cursor:
        moment, row_id = decode_cursor(cursor)
        query = query.where(
            or_(
                LeaderLedRecord.occurred_at < moment,
                and_(LeaderLedRecord.occurred_at == moment, LeaderLedRecord.id < row_id),
            )
        )
    rows = list(
        session.scalars(
            query.options(selectinload(LeaderLedRecord.participants))
            .options(selectinload(LeaderLedRecord.statements))
            .order_by(LeaderLedRecord.occurred_at.desc(), LeaderLedRecord.id.desc())
            .limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return FeedPage(
        rows,
        delivery_states(session, [r.id for r in rows]),
        encode_cursor(rows[-1]) if more and rows else None,
    )


def visible_record(session: Session, reach: Reach, record_id: int) -> LeaderLedRecord:
    row = session.get(LeaderLedRecord, record_id)
    if row is None or not reach.sees(row):
        raise NotFound(_("There is no such record for this token."))
    return row
