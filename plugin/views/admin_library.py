"""L&D's side of the material library: add, change and retire materials
(a link or an uploaded file each). Leaders browse it on ``/library``."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from wtforms.fields.choices import SelectChoice

from plugin.db import db_session
from plugin.i18n import _, current_language
from plugin.lti.access import require_role
from plugin.models.material import Material
from plugin.models.people import Role
from plugin.services import catalogue, materials
from plugin.services.errors import NotFound
from plugin.services.uploads import FileStore, Upload
from plugin.views import launch_context as ctx
from plugin.views.admin_forms import ActionForm, MaterialForm
from plugin.views.form_page import Page, act, save_form
from plugin.views.labels import LANGUAGE_NAMES
from plugin.views.page_errors import refuse

bp = Blueprint("admin_library", __name__, url_prefix="/admin")


def file_store() -> FileStore:
    return FileStore(ctx.settings().resolved_upload_dir)


def _forget(store: FileStore, keys: list[str]) -> None:
    """Remove files written for a change that was not committed."""
    for key in keys:
        store.delete(key)


@bp.get("/materials")
@require_role(Role.LND_ADMIN)
def materials_page() -> str:
    page_number = request.args.get("page", "1")
    found = materials.search(
        db_session(),
        materials.LibraryFilter(
            text=request.args.get("q", "")[:200],
            page=int(page_number) if page_number.isdigit() else 1,
            with_retired=True,
        ),
    )
    return render_template(
        "admin/materials.html", found=found, form=ActionForm(), q=request.args.get("q", "")
    )


def _fill(form: MaterialForm, session: Session) -> None:
    language = current_language()
    form.values.choices = [
        SelectChoice(str(v.id), v.name(language)) for v in catalogue.active_values(session)
    ]
    form.topics.choices = [
        SelectChoice(str(t.id), t.name(language)) for t in catalogue.active_topics(session)
    ]
    form.language.choices = [
        SelectChoice(code, LANGUAGE_NAMES[code]) for code in materials.LANGUAGES
    ]


def _input(form: MaterialForm) -> materials.MaterialInput:
    storage = form.file.data
    upload = None
    if isinstance(storage, FileStorage) and (storage.filename or storage.content_length):
        limit = ctx.settings().upload_max_bytes
        upload = Upload(storage.filename or "", storage.stream.read(limit + 1))
    return materials.MaterialInput(
        title=form.title.data or "",
        kind=form.kind.data or "",
        language=form.language.data or "",
        description=form.description.data or "",
        url=form.url.data or "",
        value_ids=tuple(form.values.data or ()),
        topic_ids=tuple(form.topics.data or ()),
        upload=upload,
    )


@bp.route("/materials/new", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def new_material() -> Page:
    form = MaterialForm()
    _fill(form, db_session())
    store = file_store()
    written: list[str] = []

    def save(s: Session) -> Material:
        material = materials.create_material(
            s,
            ctx.actor(),
            _input(form),
            store=store,
            max_bytes=ctx.settings().upload_max_bytes,
            site=ctx.publishing().site,
        )
        if material.file_key:
            written.append(material.file_key)
        return material

    return save_form(
        form,
        "admin/material_form.html",
        save,
        done=lambda row: url_for("material.material", material_id=row.id),
        message=_("Saved. Leaders find it in the library."),
        cleanup=lambda: _forget(store, written),
        max_mb=ctx.settings().upload_max_bytes / 1_000_000,
    )


@bp.route("/materials/<int:material_id>/edit", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def edit_material(material_id: int) -> Page:
    session = db_session()
    row = session.get(Material, material_id)
    if row is None:
        return refuse(NotFound(_("There is no such material.")))
    form = MaterialForm()
    _fill(form, session)
    if request.method == "GET":
        form.title.data, form.kind.data = row.title, row.kind.value
        form.description.data, form.language.data = row.description or "", row.language
        form.url.data = row.url or ""
        form.values.data = [v.id for v in row.values]
        form.topics.data = [t.id for t in row.topics]
    store = file_store()
    old_key = row.file_key
    written: list[str] = []

    def save(s: Session) -> Material:
        material, dropped = materials.update_material(
            s,
            ctx.actor(),
            material_id,
            _input(form),
            store=store,
            max_bytes=ctx.settings().upload_max_bytes,
        )
        if material.file_key and material.file_key != old_key:
            written.append(material.file_key)
        if dropped:
            # Deleted after the commit below; a failed commit keeps the old file.
            request_dropped.append(dropped)
        return material

    request_dropped: list[str] = []
    page = save_form(
        form,
        "admin/material_form.html",
        save,
        done=lambda saved: url_for("material.material", material_id=saved.id),
        message=_("Saved. The material keeps its identity in the LRS."),
        cleanup=lambda: _forget(store, written),
        item=row,
        max_mb=ctx.settings().upload_max_bytes / 1_000_000,
    )
    if not isinstance(page, (str, tuple)):
        for key in request_dropped:
            store.delete(key)
    return page


@bp.post("/materials/<int:material_id>/retire")
@require_role(Role.LND_ADMIN)
def retire_material(material_id: int) -> Page:
    return act(
        lambda s: materials.set_retired(s, ctx.actor(), material_id, retired=True, now=ctx.now()),
        done=url_for("admin_library.materials_page"),
        message=_("Retired. Leaders no longer find it; what was shared stays readable."),
    )


@bp.post("/materials/<int:material_id>/restore")
@require_role(Role.LND_ADMIN)
def restore_material(material_id: int) -> Page:
    return act(
        lambda s: materials.set_retired(s, ctx.actor(), material_id, retired=False, now=ctx.now()),
        done=url_for("admin_library.materials_page"),
        message=_("Restored. Leaders find it in the library again."),
    )
