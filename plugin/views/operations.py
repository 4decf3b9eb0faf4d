"""The operations page for L&D admins: per LRS, whether statements reach it
(queue, oldest waiting, delivered, parked with the LRS's reason), whether the
sync pulls formal records back (last sync, cursor), warnings in words, and
``leaderled lrs check`` behind a button. Parked statements are sent again
after a fix, or discarded after a confirmation step."""

from __future__ import annotations

import logging

import click
from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from lrs_client import LRSError
from lrs_client.endpoint import without_credentials
from plugin.cli.lrs import Connection, Report, explain, run_check
from plugin.db import db_session
from plugin.i18n import _
from plugin.lti.access import require_role
from plugin.models.people import Role
from plugin.services import operations, parked
from plugin.services.errors import Invalid, ServiceError
from plugin.views import launch_context as ctx
from plugin.views.admin_forms import ActionForm
from plugin.views.form_page import Page, act
from plugin.views.page_errors import refuse

bp = Blueprint("operations", __name__, url_prefix="/admin/operations")
log = logging.getLogger(__name__)
#: ``lrs check`` from the page waits at most this long for each LRS answer.
CHECK_TIMEOUT_SECONDS = 10.0


def _configured() -> list[str]:
    """Every configured LRS (``LEADERLED_LRS_ENDPOINT`` is "default"), listed even before
    it has seen a statement."""
    return [target.name for target in ctx.settings().lrs_targets]


@bp.get("")
@require_role(Role.LND_ADMIN)
def home() -> str:
    found = operations.overview(db_session(), configured=_configured(), now=ctx.now())
    return render_template(
        "operations/home.html", ops=found, form=ActionForm(), check_targets=_configured()
    )


def _lrs_arg() -> str | None:
    """``?lrs=``: the LRS whose parked row a button acts on (None: every LRS
    that parked the statement, for links made before several LRSs)."""
    return request.args.get("lrs", "")[:64] or None


@bp.post("/parked/<statement_id>/resend")
@require_role(Role.LND_ADMIN)
def resend(statement_id: str) -> Page:
    def queue(session: Session) -> None:
        row = parked.resend(session, statement_id, _lrs_arg())
        log.info("parked statement %s queued again by person %d", row.statement_id, _who())

    return act(
        queue,
        done=url_for("operations.home"),
        message=_("Queued again. The worker sends it to the LRS within moments."),
    )


@bp.route("/parked/<statement_id>/discard", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def discard(statement_id: str) -> Page:
    session = db_session()
    try:
        row = parked.parked_by_id(session, statement_id, _lrs_arg())
    except ServiceError as error:
        return refuse(error)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate():
            return refuse(
                Invalid({"csrf_token": _("This page has expired. Reload it and try again.")})
            )
        parked.discard(session, statement_id, row.lrs)
        session.commit()
        log.info("parked statement %s discarded by person %d", row.statement_id, _who())
        flash(_("Discarded. This statement will not be sent to the LRS."), "success")
        return redirect(url_for("operations.home"), code=303)
    return render_template("operations/discard.html", row=row, form=form)


@bp.post("/check")
@require_role(Role.LND_ADMIN)
def check() -> tuple[str, int] | Response:
    settings = ctx.settings()
    targets = {target.name: target for target in settings.lrs_targets}
    name = request.form.get("lrs") or next(iter(targets), "")
    report = Report(echo=False)
    target = targets.get(name)
    if name and target is None:
        return refuse(ServiceError(_("There is no LRS called %(name)s here.", name=name[:64])))
    if target is None:
        report.line("FAIL", "endpoint", _("No LRS is configured: set LEADERLED_LRS_ENDPOINT."))
    else:
        connection = Connection(
            endpoint=target.endpoint,
            username=target.username,
            password=target.password,
            token=target.token,
            read_timeout=CHECK_TIMEOUT_SECONDS,
            version=None,
        )
        try:
            run_check(connection, report)
        except LRSError as error:
            report.line("FAIL", "connection", explain(error, connection))
        except click.ClickException as error:  # a malformed endpoint setting
            report.line("FAIL", "endpoint", error.message)
    log.info(
        "lrs check from the operations page by person %d: %s",
        _who(),
        "failed" if report.failed else "passed",
    )
    return render_template(
        "operations/check.html",
        report=report,
        endpoint=without_credentials(target.endpoint) if target else "",
    ), 200


def _who() -> int:
    return ctx.actor().person_id
