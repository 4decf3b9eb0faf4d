"""The leader's pages: teaching at a glance, record a coaching moment or a
knowledge session, my records (filter, open, edit, delete).

A view parses, checks who may do it (the launch's role here, the object in
the service), calls a service inside one transaction and renders. The web
request never waits on the LRS: statements go to the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from plugin.db import db_session
from plugin.i18n import _, current_language
from plugin.lti.access import require_launch, require_role
from plugin.models.people import Role
from plugin.models.privacy import AccessKind
from plugin.models.records import LeaderLedRecord, RecordKind, RecordState
from plugin.services import (
    catalogue,
    gradebook,
    knowledge,
    materials,
    moments,
    people,
    record_queries,
    recording,
)
from plugin.services.confirmations import confirmations_for
from plugin.services.errors import Invalid, NotFound, ServiceError
from plugin.services.privacy import access_log
from plugin.services.record_access import own_active_record, own_record
from plugin.views import launch_context as ctx
from plugin.views import leader_forms as forms
from plugin.views.page_errors import apply_errors, parse_errors, refuse
from plugin.views.roster_sync import refresh_team_roster

bp = Blueprint("leader", __name__, url_prefix="/leader")

MOMENT_KINDS = (RecordKind.COACHING_MOMENT, RecordKind.MENTORING_SESSION)


def dashboard() -> dict[str, Any]:
    """What ``leader/_dashboard.html`` shows (here and on the launch page)."""
    session = db_session()
    who = ctx.actor()
    teaching = record_queries.teaching_of(session, who.person_id, who.team_id, ctx.today())
    recent = record_queries.records_of_leader(
        session, who.person_id, record_queries.RecordFilter(), ctx.today()
    )
    return {
        "teaching": teaching,
        "recent": recent.rows[:5],
        "delivery": recent.delivery,
        "now": ctx.now(),
    }


@bp.get("/")
@require_role(Role.LEADER)
def home() -> str:
    return render_template("leader/home.html", team=ctx.team(), **dashboard())


@bp.get("/team")
@require_role(Role.LEADER)
def team() -> str:
    """Everyone in the course with their last coaching, longest ago first."""
    session = db_session()
    who = ctx.actor()
    refresh_team_roster(session)
    teaching = record_queries.teaching_of(session, who.person_id, who.team_id, ctx.today())
    return render_template("leader/team.html", teaching=teaching, now=ctx.now(), team=ctx.team())


def _team_people(session: Session) -> list[SelectChoice]:
    who = ctx.actor()
    if who.team_id is None:
        return []
    refresh_team_roster(session)
    members = people.team_members(session, who.team_id, exclude=[who.person_id])
    return forms.people_choices(person for person, _role in members)


def _fill_choices(form: forms.MomentForm | forms.SessionForm, session: Session) -> None:
    language = current_language()
    form.people.choices = _team_people(session)
    form.topic.choices = forms.topic_choices(catalogue.active_topics(session), language)
    form.value.choices = forms.value_choices(catalogue.active_values(session), language)
    if isinstance(form, forms.SessionForm):
        form.materials.choices = [
            SelectChoice(str(m.id), m.title) for m in materials.active_materials(session)
        ]


def _moment_input(form: forms.MomentForm) -> moments.MomentInput:
    return moments.MomentInput(
        kind=form.kind.data or "coaching",
        people=tuple(form.people.data or ()),
        minutes=form.minutes.data,
        occurred_at=ctx.from_local(form.occurred_at.data),
        topic=form.topic.data or None,
        value_id=form.value.data,
        title=form.title.data or "",
        notes=form.notes.data or "",
    )


def _session_input(form: forms.SessionForm) -> knowledge.SessionInput:
    return knowledge.SessionInput(
        title=form.title.data or "",
        topic=form.topic.data or None,
        people=tuple(form.people.data or ()),
        minutes=form.minutes.data,
        occurred_at=ctx.from_local(form.occurred_at.data),
        value_id=form.value.data,
        material_title=form.material_title.data or "",
        material_url=form.material_url.data or "",
        notes=form.notes.data or "",
        extra_materials=materials.library_references(db_session(), form.materials.data or ()),
    )


def _save(
    form: forms.MomentForm | forms.SessionForm,
    template: str,
    store: Callable[[Session], LeaderLedRecord],
    saved_message: str,
    **page: Any,
) -> Response | tuple[str, int] | str:
    """Validate, store and redirect to the record; or show the form again
    with each message next to its field (422), nothing stored."""
    session = db_session()
    if request.method == "POST":
        if not form.validate():
            parse_errors(form)
            return render_template(template, form=form, **page), 422
        try:
            row = store(session)
            session.commit()
        except Invalid as invalid:
            session.rollback()
            apply_errors(form, invalid)
            return render_template(template, form=form, **page), 422
        except ServiceError as error:
            session.rollback()
            return refuse(error)
        flash(saved_message, "success")
        return redirect(url_for("leader.record", record_id=row.id), code=303)
    return render_template(template, form=form, **page)


@bp.route("/coaching/new", methods=["GET", "POST"])
@require_role(Role.LEADER)
def new_moment() -> Response | tuple[str, int] | str:
    session = db_session()
    form = forms.MomentForm()
    _fill_choices(form, session)
    if request.method == "GET":
        form.occurred_at.data = ctx.local_now()
        kind = request.args.get("kind")
        if kind in moments.KINDS:
            form.kind.data = kind
        if request.args.get("person", "").isdigit():
            form.people.data = [int(request.args["person"])]

    def store(s: Session) -> LeaderLedRecord:
        return moments.record_moment(
            s, ctx.actor(), data=_moment_input(form), pub=ctx.publishing(), now=ctx.now()
        )

    return _save(form, "leader/moment_form.html", store, _("Saved. It goes to the LRS shortly."))


@bp.route("/sessions/new", methods=["GET", "POST"])
@require_role(Role.LEADER)
def new_session() -> Response | tuple[str, int] | str:
    session = db_session()
    form = forms.SessionForm()
    _fill_choices(form, session)
    if request.method == "GET":
        form.occurred_at.data = ctx.local_now()

    def store(s: Session) -> LeaderLedRecord:
        row = knowledge.record_session(
            s, ctx.actor(), data=_session_input(form), pub=ctx.publishing(), now=ctx.now()
        )
        _grade_attendance(s, row)
        return row

    return _save(form, "leader/session_form.html", store, _("Saved. It goes to the LRS shortly."))


def _grade_attendance(session: Session, row: LeaderLedRecord) -> None:
    """Attendance counts in the gradebook when the leader works from a graded link."""
    link = gradebook.graded_link(session, require_launch())
    people_ids = [p.person_id for p in row.participants]
    gradebook.queue_for_people(
        session, link, people_ids, record_id=row.id, occurred_at=row.occurred_at
    )


@bp.get("/records")
@require_role(Role.LEADER)
def records() -> str:
    session = db_session()
    form = forms.FilterForm(request.args)
    kind = RecordKind(form.kind.data) if form.kind.data in set(RecordKind) else None
    period = (
        record_queries.Period(form.period.data)
        if form.period.data in set(record_queries.Period)
        else record_queries.Period.ALL
    )
    page_number = request.args.get("page", "1")
    chosen = record_queries.RecordFilter(
        kind=kind, period=period, page=int(page_number) if page_number.isdigit() else 1
    )
    found = record_queries.records_of_leader(session, ctx.actor().person_id, chosen, ctx.today())
    names = record_queries.people_named(
        session, [p.person_id for row in found.rows for p in row.participants]
    )
    return render_template(
        "leader/records.html",
        found=found,
        chosen=chosen,
        names=names,
        kinds=record_queries.LEADER_KINDS,
        periods=list(record_queries.Period),
    )


@bp.get("/records/<int:record_id>")
@require_role(Role.LEADER)
def record(record_id: int) -> str | tuple[str, int]:
    session = db_session()
    try:
        row = own_record(session, ctx.actor(), record_id)
    except ServiceError as error:
        return refuse(error)
    names = record_queries.people_named(session, [p.person_id for p in row.participants])
    confirmations = confirmations_for(session, [row.id])[row.id]
    ratings = [c.rating for c in confirmations if c.rating is not None]
    named = [p.person_id for p in row.participants] + [c.leader_id for c in confirmations]
    access_log.log_views(session, ctx.actor(), named, AccessKind.RECORD, record_id=row.id)
    session.commit()
    return render_template(
        "leader/record.html",
        row=row,
        names=names,
        delivery=record_queries.delivery_states(session, [row.id])[row.id],
        confirmations=confirmations,
        confirmers=record_queries.people_named(session, [c.leader_id for c in confirmations]),
        average=(sum(ratings) / len(ratings)) if ratings else None,
        value=row.company_value,
        topic=catalogue.topic_by_slug(session, row.topic),
        deleted=row.state is RecordState.DELETED,
    )


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
@require_role(Role.LEADER)
def edit(record_id: int) -> Response | tuple[str, int] | str:
    session = db_session()
    try:
        row = own_active_record(session, ctx.actor(), record_id)
    except ServiceError as error:
        return refuse(error)
    message = _("Saved. The old statements are voided and the new ones go to the LRS shortly.")
    if request.method == "GET":
        named = [p.person_id for p in row.participants]
        access_log.log_views(session, ctx.actor(), named, AccessKind.RECORD, record_id=row.id)
        session.commit()
    if row.kind in MOMENT_KINDS:
        form = forms.MomentForm()
        _fill_choices(form, session)
        if request.method == "GET":
            _prefill(form, row)

        def store_moment(s: Session) -> LeaderLedRecord:
            return moments.update_moment(
                s,
                ctx.actor(),
                record_id=record_id,
                data=_moment_input(form),
                pub=ctx.publishing(),
                now=ctx.now(),
            )

        return _save(form, "leader/moment_form.html", store_moment, message, row=row)
    if row.kind is RecordKind.KNOWLEDGE_SESSION:
        session_form = forms.SessionForm()
        _fill_choices(session_form, session)
        if request.method == "GET":
            _prefill(session_form, row)

        def store_session(s: Session) -> LeaderLedRecord:
            row = knowledge.update_session(
                s,
                ctx.actor(),
                record_id=record_id,
                data=_session_input(session_form),
                pub=ctx.publishing(),
                now=ctx.now(),
            )
            _grade_attendance(s, row)
            return row

        return _save(session_form, "leader/session_form.html", store_session, message, row=row)
    return refuse(NotFound(_("This kind of record is changed on its own page.")))


def _prefill(form: forms.MomentForm | forms.SessionForm, row: LeaderLedRecord) -> None:
    form.people.data = [p.person_id for p in row.participants]
    form.topic.data = row.topic or ""
    form.value.data = row.company_value_id
    form.title.data = row.title or ""
    form.minutes.data = (row.duration_seconds or 0) // 60 or None
    form.occurred_at.data = ctx.to_local(row.occurred_at)
    form.notes.data = row.notes or ""
    if isinstance(form, forms.MomentForm):
        form.kind.data = "mentoring" if row.kind is RecordKind.MENTORING_SESSION else "coaching"
    else:
        details = row.details or {}
        form.material_title.data = details.get("material_title") or ""
        form.material_url.data = details.get("material_url") or ""
        form.materials.data = materials.ids_of_iris(db_session(), details.get("materials") or [])


@bp.route("/records/<int:record_id>/delete", methods=["GET", "POST"])
@require_role(Role.LEADER)
def delete(record_id: int) -> Response | tuple[str, int] | str:
    session = db_session()
    who = ctx.actor()
    try:
        row = own_active_record(session, who, record_id)
    except ServiceError as error:
        return refuse(error)
    form = forms.DeleteForm()
    if request.method == "POST" and form.validate():
        leader = people.statement_identity(session, row.leader)
        recording.delete(session, row, recording.voiding_by(leader, ctx.publishing().options))
        session.commit()
        flash(_("Deleted. Its statements are voided in the LRS shortly."), "success")
        return redirect(url_for("leader.records"), code=303)
    names = record_queries.people_named(session, [p.person_id for p in row.participants])
    return render_template("leader/delete.html", row=row, form=form, names=names)
