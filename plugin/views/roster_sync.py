"""Keeping a team's people current from the LMS roster (NRPS) when a leader
opens a form that names people. Without NRPS, the people already known in
the course (those who launched) are offered; the page says why."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from plugin.lti.access import require_launch
from plugin.lti.roster import roster_or_reason
from plugin.models.people import Team
from plugin.services.people import RosterEntry, store_roster
from statements.identity import Identity


def refresh_team_roster(session: Session) -> str:
    """Store the launch's course roster; returns why there is none ("" when stored)."""
    launch = require_launch()
    if launch.team_id is None:
        return ""
    if "roster_reason" in g:
        return str(g.roster_reason)
    found, reason = roster_or_reason(session, launch)
    g.roster_reason = reason
    if found is None:
        return reason
    team = session.get_one(Team, launch.team_id)
    entries = [
        RosterEntry(
            account=Identity.account(team.platform_issuer, m.user_id, display=m.name),
            statement=m.identity,
            role=m.role,
            name=m.name,
            email=m.email,
        )
        for m in found.active()
    ]
    if store_roster(session, team, entries):
        session.commit()
        current_app.logger.info("roster of team %s stored: %d members", team.id, len(entries))
    return ""
