"""What a report covers (teams, period, kinds) and who may ask for it.

``scope_for`` is the one place that decides: an L&D admin may see the whole
organisation or any teams; a leader only the teams they lead (another team is
"not found", so a leader cannot probe which team ids exist); anyone else no
report at all. Pages, the API and the CLI all build their scope here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.people import Membership, Role, Team
from plugin.models.records import RecordKind
from plugin.services.errors import Invalid, NotAllowed, NotFound


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class ReportPeriod:
    """A half-open span [start, end) in UTC; both ends aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for moment in (self.start, self.end):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError("report periods take aware datetimes")
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))
        if self.end <= self.start:
            raise ValueError("a report period must end after it starts")

    @classmethod
    def month(cls, year: int, month: int) -> ReportPeriod:
        start = date(year, month, 1)
        end = date(year + month // 12, month % 12 + 1, 1)
        return cls(_midnight(start), _midnight(end))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> ReportPeriod:
        if not 1 <= quarter <= 4:
            raise ValueError("a quarter is 1 to 4")
        first = (quarter - 1) * 3 + 1
        start = cls.month(year, first).start
        return cls(start, cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> ReportPeriod:
        return cls(_midnight(date(year, 1, 1)), _midnight(date(year + 1, 1, 1)))

    @classmethod
    def custom(cls, first_day: date, last_day: date) -> ReportPeriod:
        """The days ``first_day`` to ``last_day``, both included (how people say it)."""
        return cls(_midnight(first_day), _midnight(last_day + timedelta(days=1)))

    @classmethod
    def containing(cls, kind: str, day: date) -> ReportPeriod:
        """The month, quarter or year ``day`` falls in."""
        if kind == "month":
            return cls.month(day.year, day.month)
        if kind == "quarter":
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == "year":
            return cls.year(day.year)
        raise ValueError(f"period must be month, quarter or year, got {kind!r}")

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).date()


@dataclass(frozen=True)
class Scope:
    """What one report covers. ``team_ids`` None is the whole organisation;
    ``kinds`` None is every record kind."""

    period: ReportPeriod
    team_ids: frozenset[int] | None = None
    kinds: frozenset[RecordKind] | None = None

    @property
    def whole_organisation(self) -> bool:
        return self.team_ids is None


def _role_teams(session: Session, person_id: int, role: Role) -> set[int]:
    return set(
        session.scalars(
            select(Membership.team_id).where(
                Membership.person_id == person_id, Membership.role == role
            )
        )
    )


def scope_for(
    session: Session,
    person_id: int,
    period: ReportPeriod,
    *,
    team_ids: Iterable[int] | None = None,
    kinds: Iterable[RecordKind] | None = None,
) -> Scope:
    """The scope ``person_id`` may see for the teams asked (None: all they may see).

    L&D admin: any teams, or the whole organisation. Leader: the teams they
    lead; asking for any other team raises ``NotFound``. Everyone else:
    ``NotAllowed``.
    """
    chosen_kinds = frozenset(kinds) if kinds is not None else None
    if chosen_kinds is not None and not chosen_kinds:
        raise Invalid({"kind": _("Choose at least one kind of record.")})
    asked = frozenset(team_ids) if team_ids is not None else None
    if _role_teams(session, person_id, Role.LND_ADMIN):
        if asked:
            known = set(session.scalars(select(Team.id).where(Team.id.in_(asked))))
            if known != asked:
                raise NotFound(_("There is no such team."))
        return Scope(period, asked or None, chosen_kinds)
    led = _role_teams(session, person_id, Role.LEADER)
    if not led:
        raise NotAllowed(_("Reports are for leaders and L&D."))
    if asked:
        if not asked <= led:
            raise NotFound(_("There is no such team."))
        return Scope(period, asked, chosen_kinds)
    return Scope(period, frozenset(led), chosen_kinds)


def scope_for_teams(
    period: ReportPeriod,
    readable: frozenset[int] | None,
    *,
    team_ids: Iterable[int] | None = None,
    kinds: Iterable[RecordKind] | None = None,
) -> Scope:
    """The same rules for a caller whose readable teams are already known (an API
    token: ``readable`` None means organisation-wide)."""
    chosen_kinds = frozenset(kinds) if kinds is not None else None
    if chosen_kinds is not None and not chosen_kinds:
        raise Invalid({"kind": _("Choose at least one kind of record.")})
    asked = frozenset(team_ids) if team_ids is not None else None
    if readable is None:
        return Scope(period, asked or None, chosen_kinds)
    if not readable:
        raise NotAllowed(_("Reports are for leaders and L&D."))
    if asked:
        if not asked <= readable:
            raise NotFound(_("There is no such team."))
        return Scope(period, asked, chosen_kinds)
    return Scope(period, readable, chosen_kinds)
