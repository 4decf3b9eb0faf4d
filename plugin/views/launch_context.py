"""What every product page needs from the launch: who asks (an
:class:`~plugin.services.people.Actor`), how to write their statements, and
"now" in the organisation's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from plugin.config import Settings
from plugin.db import db_session
from plugin.lti.access import require_launch
from plugin.models.people import Team
from plugin.services.people import Actor
from plugin.services.publishing import Publishing, publishing_for_team


def settings() -> Settings:
    found: Settings = current_app.config["LEADERLED"]
    return found


def actor() -> Actor:
    launch = require_launch()
    return Actor(person_id=launch.person_id, role=launch.role, team_id=launch.team_id)


def team() -> Team | None:
    launch = require_launch()
    return db_session().get(Team, launch.team_id) if launch.team_id is not None else None


def publishing() -> Publishing:
    return publishing_for_team(db_session(), settings(), require_launch().team_id)


def zone() -> ZoneInfo:
    return ZoneInfo(settings().timezone)


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(zone()).date()


def local_now() -> datetime:
    """Now on the organisation's wall clock, to the minute (form defaults)."""
    return datetime.now(zone()).replace(second=0, microsecond=0, tzinfo=None)


def from_local(moment: datetime | None) -> datetime | None:
    """A naive wall-clock time from a form, in the organisation's time zone, as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=zone()).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone()).replace(tzinfo=None)
