"""Privacy for everyone: the privacy notice (public: people read it before
they use the tool), and "my data": who looked at my record, and my data as
a download."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from sqlalchemy import select

from plugin.db import db_session
from plugin.lti.access import current_launch, require_role
from plugin.models.lti import IdentityMode, LtiPlatform
from plugin.models.people import Person, Role, Team
from plugin.services.privacy import access_log
from plugin.services.privacy.export import Export, export_person
from plugin.services.privacy.settings import retention_periods
from plugin.views import launch_context as ctx
from plugin.views.privacy_forms import ConfirmForm

bp = Blueprint("privacy", __name__)


@bp.app_template_global()
def notes_go_to_lrs() -> bool:
    """Whether this launch's LMS opted in to notes and comments in statements
    (form hints must say where the text goes)."""
    return current_launch() is not None and ctx.publishing().options.include_free_text


def zip_download(found: Export) -> Response:
    """A ZIP the browser saves; never cached (it holds personal data)."""
    return Response(
        found.data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Cache-Control": "no-store",
        },
    )


def _platform() -> LtiPlatform | None:
    launch = current_launch()
    if launch is None or launch.team_id is None:
        return None
    session = db_session()
    team = session.get(Team, launch.team_id)
    if team is None:
        return None
    return session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == team.platform_issuer))


@bp.get("/privacy")
def notice() -> str:
    """What is recorded, what goes to the LRS, who sees it, for how long."""
    platform = _platform()
    return render_template(
        "privacy/notice.html",
        periods=retention_periods(db_session()),
        platform=platform,
        by_email=platform is not None and platform.identity_mode is IdentityMode.MBOX,
        launched=current_launch() is not None,
    )


@bp.get("/me/privacy")
@require_role(Role.LEARNER, Role.LEADER, Role.LND_ADMIN)
def my_data() -> str:
    page = request.args.get("page", "1")
    found = access_log.log_page(
        db_session(), subject_id=ctx.actor().person_id, page=int(page) if page.isdigit() else 1
    )
    return render_template("privacy/my_data.html", log=found, form=ConfirmForm())


@bp.post("/me/privacy/export")
@require_role(Role.LEARNER, Role.LEADER, Role.LND_ADMIN)
def export_mine() -> Response:
    """The download (the app-wide CSRF check refuses a post from elsewhere)."""
    session = db_session()
    me = session.get_one(Person, ctx.actor().person_id)
    return zip_download(export_person(session, me, now=ctx.now()))
