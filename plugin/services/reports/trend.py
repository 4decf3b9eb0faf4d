"""The 70-20-10 mix period by period: the report page's line over time.

Only the mix is counted for each period (not every indicator), so a line of
six periods costs six mix queries rather than six whole reports. The scope
(teams, kinds) is the one ``scope_for`` already authorised; only the period
changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from plugin.services.reports.figures import Mix
from plugin.services.reports.local import _mix
from plugin.services.reports.scope import ReportPeriod, Scope


def mix_by_period(session: Session, scope: Scope, periods: Sequence[ReportPeriod]) -> list[Mix]:
    """The mix of ``scope``'s teams and kinds in each of ``periods``, in order."""
    return [_mix(session, Scope(period, scope.team_ids, scope.kinds)) for period in periods]
