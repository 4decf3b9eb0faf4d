"""The L&D admin's CSV import page: past sessions, checked row by row first,
then imported all-or-nothing (the same service as ``leaderled import``)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template
from werkzeug.datastructures import FileStorage

from plugin.db import db_session
from plugin.i18n import _
from plugin.lti.access import require_role
from plugin.models.people import Role
from plugin.services import csv_import
from plugin.views import launch_context as ctx
from plugin.views.token_forms import ImportForm

bp = Blueprint("imports", __name__, url_prefix="/admin/import")


@bp.route("/", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def upload() -> tuple[str, int] | str:
    form = ImportForm()
    page = {"form": form, "columns": csv_import.COLUMNS, "required": csv_import.REQUIRED}
    if not form.validate_on_submit():
        return render_template("admin/import.html", **page)
    upload: FileStorage | None = form.file.data
    if upload is None or not upload.filename:
        form.file.errors = [_("Choose a CSV file.")]
        return render_template("admin/import.html", **page), 422
    try:
        table = csv_import.read(upload.read())
    except csv_import.ImportRefused as refused:
        form.file.errors = [str(refused)]
        return render_template("admin/import.html", **page), 422
    session = db_session()
    checked = csv_import.plan(session, table, zone=ZoneInfo(ctx.settings().timezone))
    count = csv_import.apply(
        session,
        checked,
        publishing=csv_import.publisher(session, ctx.settings()),
        now=datetime.now(UTC),
        imported_by=ctx.actor().person_id,
    )
    if not checked.ok:
        session.rollback()
        form.file.errors = [
            _("%(count)d problems in the file; nothing was imported.", count=len(checked.errors))
        ]
        return render_template("admin/import.html", checked=checked, **page), 422
    if form.check_only.data:
        session.rollback()
        return render_template("admin/import.html", checked=checked, to_import=count, **page)
    session.commit()
    return render_template("admin/import.html", checked=checked, imported=count, **page)
