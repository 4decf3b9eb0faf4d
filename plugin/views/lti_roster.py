"""The course roster for leaders: a template helper for the home page's
partial (``lti/_roster.html``) and ``/lti/roster`` as JSON for attendee and
mentee pickers."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify
from werkzeug.wrappers import Response

from plugin.db import db_session
from plugin.lti.access import require_launch, require_role
from plugin.lti.nrps import Roster
from plugin.lti.roster import roster_or_reason
from plugin.models.lti import LtiLaunchSession
from plugin.models.people import Role

bp = Blueprint("lti_roster", __name__)


@bp.app_template_global("lti_roster")
def lti_roster(launch: LtiLaunchSession) -> tuple[Roster | None, str]:
    return roster_or_reason(db_session(), launch)


@bp.get("/lti/roster")
@require_role(Role.LEADER, Role.LND_ADMIN)
def roster() -> Response:
    found, reason = roster_or_reason(db_session(), require_launch())
    if found is None:
        abort(409, description=reason)
    return jsonify(
        context={"id": found.context_id, "title": found.context_title},
        members=[
            {
                "user_id": m.user_id,
                "name": m.display,
                "role": m.role.value,
                "actor": m.identity.to_actor(),
            }
            for m in found.active()
        ],
    )
