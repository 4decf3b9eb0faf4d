"""The material library as leaders use it: browse and search by value,
priority, topic and language; open a material (recorded as used); share it
with the team or chosen people (recorded as shared, shown on their learning
record). Files are served only to people who may see the material, with the
stored content type, as a download, and never sniffed."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from plugin.db import db_session
from plugin.i18n import _, current_language
from plugin.lti.access import require_role
from plugin.models.catalogue import ValueKind
from plugin.models.people import Role
from plugin.models.records import LeaderLedRecord
from plugin.services import catalogue, materials, people
from plugin.services.errors import NotFound, ServiceError
from plugin.views import launch_context as ctx
from plugin.views.admin_forms import ActionForm
from plugin.views.admin_library import file_store
from plugin.views.form_page import Page, save_form
from plugin.views.labels import LANGUAGE_NAMES, MATERIAL_KINDS
from plugin.views.leader_forms import people_choices
from plugin.views.page_errors import refuse
from plugin.views.roster_sync import refresh_team_roster
from plugin.views.tips_forms import LibraryFilterForm, ShareForm

bp = Blueprint("material", __name__)
EVERYONE = tuple(Role)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.get("/library/")
@require_role(Role.LEADER, Role.LND_ADMIN)
def library() -> str:
    session = db_session()
    form = LibraryFilterForm(request.args)
    page_number = request.args.get("page", "1")
    chosen = materials.LibraryFilter(
        text=(form.q.data or "")[:200],
        value_id=_int(form.value.data),
        priority_id=_int(form.priority.data),
        topic=form.topic.data or "",
        language=form.language.data or "",
        kind=form.kind.data or "",
        page=int(page_number) if page_number.isdigit() else 1,
    )
    language = current_language()
    values = catalogue.active_values(session)
    return render_template(
        "material/library.html",
        form=form,
        found=materials.search(session, chosen),
        chosen=chosen,
        value_options=[(v.id, v.name(language)) for v in values if v.kind is ValueKind.VALUE],
        priority_options=[(v.id, v.name(language)) for v in values if v.kind is ValueKind.PRIORITY],
        topic_options=[(t.slug, t.name(language)) for t in catalogue.active_topics(session)],
        language_options=[(code, LANGUAGE_NAMES[code]) for code in materials.LANGUAGES],
        kind_options=list(MATERIAL_KINDS.items()),
        page_args={k: v for k, v in request.args.items() if k != "page"},
        language=language,
    )


@bp.get("/library/<int:material_id>")
@require_role(*EVERYONE)
def material(material_id: int) -> str | tuple[str, int]:
    try:
        found = materials.visible_material(db_session(), ctx.actor(), material_id)
    except ServiceError as error:
        return refuse(error)
    return render_template(
        "material/material.html",
        material=found,
        form=ActionForm(),
        opened=request.args.get("opened") == "1",
        language=current_language(),
        role=ctx.actor().role.value,
    )


@bp.post("/library/<int:material_id>/open")
@require_role(*EVERYONE)
def open_material(material_id: int) -> Page:
    """Record the use (leaders, once a day), then hand over the file or the link."""
    session = db_session()
    try:
        found = materials.visible_material(session, ctx.actor(), material_id)
        materials.record_used(session, ctx.actor(), found, pub=ctx.publishing(), now=ctx.now())
        session.commit()
    except ServiceError as error:
        session.rollback()
        return refuse(error)
    if found.has_file:
        return redirect(url_for("material.file", material_id=found.id), code=303)
    return redirect(url_for("material.material", material_id=found.id, opened=1), code=303)


@bp.get("/library/<int:material_id>/file")
@require_role(*EVERYONE)
def file(material_id: int) -> Response | tuple[str, int]:
    try:
        found = materials.visible_material(db_session(), ctx.actor(), material_id)
    except ServiceError as error:
        return refuse(error)
    store = file_store()
    if found.file_key is None or not store.exists(found.file_key):
        return refuse(NotFound(_("This material has no file. Open its link instead.")))
    response = send_file(
        store.path(found.file_key),
        mimetype=found.file_type,
        as_attachment=True,
        download_name=found.file_name or "material",
        max_age=0,
        conditional=True,
        etag=found.file_sha256 or True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/materials/<key>")
@require_role(*EVERYONE)
def by_iri(key: str) -> Response | tuple[str, int]:
    """A material's IRI resolves to its page, for those who may see it."""
    try:
        found = materials.material_by_key(db_session(), ctx.actor(), key[:64])
    except ServiceError as error:
        return refuse(error)
    return redirect(url_for("material.material", material_id=found.id), code=303)


@bp.route("/library/<int:material_id>/share", methods=["GET", "POST"])
@require_role(Role.LEADER)
def share(material_id: int) -> Page:
    session = db_session()
    try:
        found = materials.visible_material(session, ctx.actor(), material_id)
    except ServiceError as error:
        return refuse(error)
    form = ShareForm()
    who = ctx.actor()
    members = []
    if who.team_id is not None:
        refresh_team_roster(session)
        members = [
            person
            for person, role in people.team_members(session, who.team_id, exclude=[who.person_id])
            if role is Role.LEARNER
        ]
    form.people.choices = people_choices(members)

    def store(s: Session) -> LeaderLedRecord:
        return materials.share(
            s,
            ctx.actor(),
            material_id,
            materials.ShareInput(form.audience.data or "", tuple(form.people.data or ())),
            pub=ctx.publishing(),
            now=ctx.now(),
        )

    return save_form(
        form,
        "material/share.html",
        store,
        done=lambda _row: url_for("material.material", material_id=material_id),
        message=_("Shared. They find it on their learning record; it goes to the LRS shortly."),
        material=found,
    )
