"""The learner's pages: my learning record (formal and leader-led, side by
side and as one timeline, with my 70-20-10 mix) and confirming and rating a
session or moment I took part in. A learner only ever sees their own record."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from plugin.db import db_session
from plugin.i18n import _
from plugin.lti.access import require_launch, require_role
from plugin.models.people import Role
from plugin.services import confirmations, gradebook
from plugin.services.errors import Invalid, ServiceError
from plugin.services.learning_record import learning_record_of
from plugin.services.privacy import access_log
from plugin.views import launch_context as ctx
from plugin.views.learner_forms import ConfirmForm
from plugin.views.page_errors import apply_errors, parse_errors, refuse

bp = Blueprint("learner", __name__, url_prefix="/me")


@bp.get("/")
@require_role(Role.LEARNER, Role.LEADER, Role.LND_ADMIN)
def record() -> str:
    """Everyone has a learning record of their own, leaders and L&D too."""
    page = request.args.get("page", "1")
    found = learning_record_of(
        db_session(), ctx.actor().person_id, page=int(page) if page.isdigit() else 1
    )
    view = request.args.get("view", "columns")
    return render_template(
        "learner/record.html",
        looked=access_log.views_of(db_session(), ctx.actor().person_id, limit=5),
        found=found,
        view="timeline" if view == "timeline" else "columns",
        shares=found.mix.shares("seconds"),
    )


@bp.route("/confirm/<int:record_id>", methods=["GET", "POST"])
@require_role(Role.LEARNER, Role.LEADER, Role.LND_ADMIN)
def confirm(record_id: int) -> Response | tuple[str, int] | str:
    session = db_session()
    who = ctx.actor()
    try:
        row = confirmations.confirmable_record(session, who, record_id)
    except ServiceError as error:
        return refuse(error)
    form = ConfirmForm()
    existing = confirmations.confirmation_of(session, who.person_id, record_id)
    if request.method == "GET" and existing is not None:
        form.rating.data = existing.rating
        form.comment.data = existing.notes or ""
    page = {"row": row, "existing": existing}
    if request.method == "POST":
        if not form.validate():
            parse_errors(form)
            return render_template("learner/confirm.html", form=form, **page), 422
        try:
            confirmation = confirmations.confirm(
                session,
                who,
                record_id=record_id,
                data=confirmations.ConfirmInput(form.rating.data, form.comment.data or ""),
                pub=ctx.publishing(),
                now=ctx.now(),
            )
            # From a graded course link, taking part counts in the LMS gradebook.
            gradebook.queue_for_people(
                session,
                gradebook.graded_link(session, require_launch()),
                [who.person_id],
                record_id=record_id,
                occurred_at=confirmation.occurred_at,
            )
            session.commit()
        except Invalid as invalid:
            session.rollback()
            apply_errors(form, invalid)
            return render_template("learner/confirm.html", form=form, **page), 422
        except ServiceError as error:
            session.rollback()
            return refuse(error)
        flash(_("Thank you. Your leader sees your confirmation."), "success")
        return redirect(url_for("learner.record"), code=303)
    return render_template("learner/confirm.html", form=form, **page)
