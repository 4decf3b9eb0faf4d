"""The report figures from the local database: aggregate SQL over records and
the formal records the sync pulled, never an LRS call (issue 11)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from plugin.services.reports.figures import DrillRow, Indicator, Indicators
from plugin.services.reports.scope import Scope


def compute(session: Session, scope: Scope) -> Indicators:
    """Every indicator for ``scope`` (already authorised by ``scope_for``)."""
    raise NotImplementedError


def drill(session: Session, scope: Scope, indicator: Indicator, key: str | None) -> list[DrillRow]:
    """The records behind one figure (see ``Indicator`` for each key), newest first."""
    raise NotImplementedError
