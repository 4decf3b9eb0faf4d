"""``/lti/deep-linking``: the teacher's choice, returned to the LMS signed.

The picker itself is shown by the launch view (``plugin.lti.deep_linking.start``).
The form is protected by its own signed token bound to the launch session
rather than Flask-WTF's cookie, which browsers drop inside an LMS frame.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from plugin.db import get_db
from plugin.extensions import csrf
from plugin.i18n import _
from plugin.lti import deep_linking
from plugin.lti import keys as tool_keys
from plugin.lti.access import require_launch, require_role
from plugin.models.people import Role

bp = Blueprint("lti_deep_linking", __name__)


@bp.post("/lti/deep-linking")
@require_role(Role.LEADER, Role.LND_ADMIN)
def respond() -> str | tuple[str, int]:
    """The teacher's choice: the signed answer for the LMS, or the form again
    with what to fix (a refused form that cannot be shown again gets a page)."""
    launch = require_launch()
    try:
        with get_db().session_scope() as session:
            key = tool_keys.signing_key(session)
        return deep_linking.respond(request.form.to_dict(), launch.id, key)
    except deep_linking.DeepLinkingError as error:
        current_app.logger.info("deep-linking form refused: %s", error.message)
        return render_template(
            "error.html", code=error.status, title=_("Link not created"), message=error.message
        ), error.status


csrf.exempt(respond)
