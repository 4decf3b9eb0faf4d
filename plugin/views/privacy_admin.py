"""``/admin/privacy``: the L&D admin's privacy pages. What statements disclose
per LMS, how long data is kept, a person's data (see, export, erase), the
access log, and the erasures and retention runs done.

Every page is for L&D admins only (the organisation's data); looking at a
person's data or exporting it is itself logged in the access log.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from plugin.db import db_session
from plugin.i18n import _
from plugin.lti.access import require_role
from plugin.models.people import Person, Role
from plugin.models.privacy import AccessKind, PrivacyAudit
from plugin.services.errors import Invalid, NotAllowed, NotFound, ServiceError
from plugin.services.privacy import access_log, disclosure
from plugin.services.privacy.erasure import erase
from plugin.services.privacy.export import export_person, person_data
from plugin.services.privacy.lookup import search_people
from plugin.services.privacy.registry import REGISTRY
from plugin.services.privacy.settings import retention_periods, set_retention
from plugin.views import launch_context as ctx
from plugin.views.page_errors import apply_errors, refuse
from plugin.views.privacy import zip_download
from plugin.views.privacy_forms import ConfirmForm, DisclosureForm, RetentionForm, SearchForm

bp = Blueprint("privacy_admin", __name__, url_prefix="/admin/privacy")
AUDIT_PAGE = 50


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() else 1


@bp.get("/")
@require_role(Role.LND_ADMIN)
def home() -> str:
    session = db_session()
    form = SearchForm(request.args)
    found: Any = None
    if form.person.data:
        try:
            found = search_people(session, form.person.data)
        except Invalid as invalid:
            apply_errors(form, Invalid({"person": next(iter(invalid.errors.values()))}))
    return render_template(
        "privacy_admin/home.html",
        platforms=disclosure.platforms(session),
        periods=retention_periods(session),
        form=form,
        found=found,
    )


@bp.route("/platforms/<int:platform_id>", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def platform(platform_id: int) -> Response | tuple[str, int] | str:
    session = db_session()
    try:
        row = disclosure.platform(session, platform_id)
    except ServiceError as error:
        return refuse(error)
    form = DisclosureForm()
    if request.method == "GET":
        form.identity.data = row.identity_mode.value
        form.names.data = row.names_in_statements
        form.notes.data = row.notes_in_statements
    elif form.validate():
        try:
            disclosure.set_disclosure(
                session,
                ctx.actor(),
                platform_id,
                names=bool(form.names.data),
                identity=form.identity.data,
                notes=bool(form.notes.data),
            )
            session.commit()
        except Invalid as invalid:
            session.rollback()
            apply_errors(form, invalid)
            return render_template("privacy_admin/platform.html", form=form, row=row), 422
        except ServiceError as error:
            session.rollback()
            return refuse(error)
        flash(_("Saved. Statements about this LMS's people follow it from now on."), "success")
        return redirect(url_for("privacy_admin.home"), code=303)
    else:
        return render_template("privacy_admin/platform.html", form=form, row=row), 422
    return render_template("privacy_admin/platform.html", form=form, row=row)


@bp.route("/retention", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def retention() -> Response | tuple[str, int] | str:
    session = db_session()
    form = RetentionForm()
    if request.method == "GET":
        periods = retention_periods(session)
        form.records.data = str(periods.records or "")
        form.formal.data = str(periods.formal or "")
        form.access_log.data = str(periods.access_log or "")
        return render_template("privacy_admin/retention.html", form=form)
    if not form.validate():
        return render_template("privacy_admin/retention.html", form=form), 422
    try:
        set_retention(
            session,
            ctx.actor(),
            records=form.records.data,
            formal=form.formal.data,
            access_log=form.access_log.data,
        )
        session.commit()
    except Invalid as invalid:
        session.rollback()
        apply_errors(form, invalid)
        return render_template("privacy_admin/retention.html", form=form), 422
    except ServiceError as error:
        session.rollback()
        return refuse(error)
    flash(_("Saved. The worker applies these periods within the hour."), "success")
    return redirect(url_for("privacy_admin.home"), code=303)


def _person(person_id: int) -> Person:
    found = db_session().get(Person, person_id)
    if found is None:
        raise NotFound(_("There is no such person (any more)."))
    return found


@bp.get("/people/<int:person_id>")
@require_role(Role.LND_ADMIN)
def person(person_id: int) -> str | tuple[str, int]:
    session = db_session()
    try:
        found = _person(person_id)
    except ServiceError as error:
        return refuse(error)
    tables = person_data(session, found)
    page = render_template(
        "privacy_admin/person.html",
        person=found,
        counts=[(t.name, len(tables[t.name])) for t in REGISTRY.tables()[::-1] if tables[t.name]],
        log=access_log.log_page(session, subject_id=found.id, size=10),
        form=ConfirmForm(),
        me=ctx.actor().person_id,
    )
    access_log.log_views(session, ctx.actor(), [found.id], AccessKind.PERSONAL_DATA)
    session.commit()
    return page


@bp.post("/people/<int:person_id>/export")
@require_role(Role.LND_ADMIN)
def export(person_id: int) -> Response | tuple[str, int]:
    session = db_session()
    try:
        found = _person(person_id)
    except ServiceError as error:
        return refuse(error)
    if not ConfirmForm().validate():
        return refuse(Invalid({"csrf_token": _("This page has expired. Reload it and try again.")}))
    result = export_person(session, found, now=ctx.now())
    access_log.log_views(session, ctx.actor(), [found.id], AccessKind.EXPORT)
    session.commit()
    return zip_download(result)


@bp.route("/people/<int:person_id>/erase", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def erase_person(person_id: int) -> Response | tuple[str, int] | str:
    session = db_session()
    who = ctx.actor()
    try:
        found = _person(person_id)
        if found.id == who.person_id:
            raise NotAllowed(
                _(
                    "You cannot erase your own data here: ask another L&D admin, or your "
                    "operator (leaderled privacy erase)."
                )
            )
    except ServiceError as error:
        return refuse(error)
    form = ConfirmForm()
    settings = ctx.settings()
    if request.method == "POST" and form.validate():
        result = erase(
            session, found.id, settings=settings, now=ctx.now(), by=who, by_role=who.role.value
        )
        session.commit()
        flash(
            _(
                "Erased. %(count)d statements are voided in the LRS shortly. Reference for the "
                "person who asked: %(reference)s",
                count=result.statements_voided,
                reference=result.reference or "",
            ),
            "success",
        )
        return redirect(url_for("privacy_admin.audit"), code=303)
    name = found.display_name or found.email or f"#{found.id}"
    planned = erase(session, found.id, settings=settings, now=ctx.now(), by=who)
    session.rollback()  # the dry run: nothing changed
    return render_template(
        "privacy_admin/erase.html", name=name, person_id=person_id, planned=planned, form=form
    )


@bp.get("/access-log")
@require_role(Role.LND_ADMIN)
def log() -> str:
    session = db_session()
    subject = request.args.get("person", "")
    subject_id = int(subject) if subject.isdigit() else None
    return render_template(
        "privacy_admin/access_log.html",
        log=access_log.log_page(session, subject_id=subject_id, page=_page_number()),
        subject=session.get(Person, subject_id) if subject_id is not None else None,
    )


@bp.get("/erasures")
@require_role(Role.LND_ADMIN)
def audit() -> str:
    session = db_session()
    total = int(session.scalar(select(func.count()).select_from(PrivacyAudit)) or 0)
    pages = max(1, -(-total // AUDIT_PAGE))
    page = min(_page_number(), pages)
    rows = session.execute(
        select(PrivacyAudit, Person)
        .outerjoin(Person, Person.id == PrivacyAudit.by_person_id)
        .order_by(PrivacyAudit.at.desc(), PrivacyAudit.id.desc())
        .limit(AUDIT_PAGE)
        .offset((page - 1) * AUDIT_PAGE)
    ).all()
    return render_template(
        "privacy_admin/audit.html", rows=rows, total=total, page=page, pages=pages
    )
