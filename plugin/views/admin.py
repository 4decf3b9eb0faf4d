"""L&D's pages for the organisation's words and expectations: company values,
priorities and topic categories (create, rename, retire), and the role
expectations leaders acknowledge. Only an L&D admin launch reaches them."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from plugin.db import db_session
from plugin.i18n import _, current_language
from plugin.lti.access import require_role
from plugin.models.catalogue import CompanyValue, TopicCategory
from plugin.models.expectations import Expectation
from plugin.models.people import Role
from plugin.services import catalogue_admin as catalogue
from plugin.services import expectations
from plugin.services.errors import Conflict, ServiceError
from plugin.views import launch_context as ctx
from plugin.views.admin_forms import ActionForm, ExpectationForm, TopicForm, ValueForm
from plugin.views.form_page import Page, act, save_form
from plugin.views.page_errors import refuse

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/catalogue")
@require_role(Role.LND_ADMIN)
def catalogue_page() -> str:
    session = db_session()
    return render_template(
        "admin/catalogue.html",
        values=catalogue.all_values(session),
        topics=catalogue.all_topics(session),
        form=ActionForm(),
    )


def _value_input(form: ValueForm) -> catalogue.ValueInput:
    return catalogue.ValueInput(
        form.name_en.data or "",
        form.name_nl.data or "",
        form.kind.data or "",
        form.description.data or "",
    )


@bp.route("/values/new", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def new_value() -> Page:
    form = ValueForm()

    def store(s: Session) -> CompanyValue:
        return catalogue.create_value(s, ctx.actor(), _value_input(form))

    return save_form(
        form,
        "admin/value_form.html",
        store,
        done=lambda _row: url_for("admin.catalogue_page"),
        message=_("Saved. Leaders can choose it from now on."),
    )


@bp.route("/values/<int:value_id>/edit", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def edit_value(value_id: int) -> Page:
    try:
        value = catalogue.value_by_id(db_session(), value_id)
    except ServiceError as error:
        return refuse(error)
    form = ValueForm()
    if request.method == "GET":
        form.name_en.data, form.name_nl.data = value.name_en, value.name_nl
        form.kind.data, form.description.data = value.kind.value, value.description or ""

    def store(s: Session) -> CompanyValue:
        return catalogue.update_value(s, ctx.actor(), value_id, _value_input(form))

    return save_form(
        form,
        "admin/value_form.html",
        store,
        done=lambda _row: url_for("admin.catalogue_page"),
        message=_("Saved. Old records keep it; its new name shows everywhere."),
        item=value,
    )


@bp.post("/values/<int:value_id>/retire")
@require_role(Role.LND_ADMIN)
def retire_value(value_id: int) -> Page:
    return act(
        lambda s: catalogue.set_value_retired(
            s, ctx.actor(), value_id, retired=True, now=ctx.now()
        ),
        done=url_for("admin.catalogue_page"),
        message=_("Retired. It stays on old records and is no longer offered."),
    )


@bp.post("/values/<int:value_id>/restore")
@require_role(Role.LND_ADMIN)
def restore_value(value_id: int) -> Page:
    return act(
        lambda s: catalogue.set_value_retired(
            s, ctx.actor(), value_id, retired=False, now=ctx.now()
        ),
        done=url_for("admin.catalogue_page"),
        message=_("Restored. Leaders can choose it again."),
    )


def _topic_input(form: TopicForm) -> catalogue.TopicInput:
    return catalogue.TopicInput(form.name_en.data or "", form.name_nl.data or "")


@bp.route("/topics/new", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def new_topic() -> Page:
    form = TopicForm()

    def store(s: Session) -> TopicCategory:
        return catalogue.create_topic(s, ctx.actor(), _topic_input(form))

    return save_form(
        form,
        "admin/topic_form.html",
        store,
        done=lambda _row: url_for("admin.catalogue_page"),
        message=_("Saved. Leaders can choose it from now on."),
    )


@bp.route("/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def edit_topic(topic_id: int) -> Page:
    try:
        topic = catalogue.topic_by_id(db_session(), topic_id)
        if topic.builtin:
            raise Conflict(
                _("Built-in topics keep their names: they are part of Leaderled's xAPI vocabulary.")
            )
    except ServiceError as error:
        return refuse(error)
    form = TopicForm()
    if request.method == "GET":
        form.name_en.data, form.name_nl.data = topic.name_en, topic.name_nl

    def store(s: Session) -> TopicCategory:
        return catalogue.update_topic(s, ctx.actor(), topic_id, _topic_input(form))

    return save_form(
        form,
        "admin/topic_form.html",
        store,
        done=lambda _row: url_for("admin.catalogue_page"),
        message=_("Saved. Old records keep it; its new name shows everywhere."),
        item=topic,
    )


@bp.post("/topics/<int:topic_id>/retire")
@require_role(Role.LND_ADMIN)
def retire_topic(topic_id: int) -> Page:
    return act(
        lambda s: catalogue.set_topic_retired(
            s, ctx.actor(), topic_id, retired=True, now=ctx.now()
        ),
        done=url_for("admin.catalogue_page"),
        message=_("Retired. It stays on old records and is no longer offered."),
    )


@bp.post("/topics/<int:topic_id>/restore")
@require_role(Role.LND_ADMIN)
def restore_topic(topic_id: int) -> Page:
    return act(
        lambda s: catalogue.set_topic_retired(
            s, ctx.actor(), topic_id, retired=False, now=ctx.now()
        ),
        done=url_for("admin.catalogue_page"),
        message=_("Restored. Leaders can choose it again."),
    )


# -- expectations -------------------------------------------------------------


@bp.get("/expectations")
@require_role(Role.LND_ADMIN)
def expectations_page() -> str:
    return render_template(
        "admin/expectations.html",
        rows=expectations.all_expectations(db_session()),
        form=ActionForm(),
    )


def _fill_teams(form: ExpectationForm, session: Session) -> None:
    form.team.choices = [SelectChoice("", _("The whole organisation"))] + [
        SelectChoice(str(t.id), t.title or t.label or t.context_id)
        for t in expectations.all_teams(session)
    ]


def _expectation_input(form: ExpectationForm) -> expectations.ExpectationInput:
    return expectations.ExpectationInput(
        text_en=form.text_en.data or "",
        text_nl=form.text_nl.data or "",
        role=form.role.data or "",
        team_id=form.team.data,
        measure=form.measure.data or "none",
        target=form.target.data,
        period=form.period.data or "",
    )


@bp.route("/expectations/new", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def new_expectation() -> Page:
    form = ExpectationForm()
    _fill_teams(form, db_session())

    def store(s: Session) -> Expectation:
        return expectations.create(
            s, ctx.actor(), _expectation_input(form), site=ctx.publishing().site
        )

    return save_form(
        form,
        "admin/expectation_form.html",
        store,
        done=lambda _row: url_for("admin.expectations_page"),
        message=_("Saved. Leaders see it on their expectations page."),
    )


@bp.route("/expectations/<int:expectation_id>/edit", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def edit_expectation(expectation_id: int) -> Page:
    session = db_session()
    try:
        row = expectations.expectation_by_id(session, expectation_id)
    except ServiceError as error:
        return refuse(error)
    form = ExpectationForm()
    _fill_teams(form, session)
    if request.method == "GET":
        form.text_en.data, form.text_nl.data = row.text_en, row.text_nl
        form.role.data, form.team.data = row.role, row.team_id
        form.measure.data, form.target.data = row.measure.value, row.target
        form.period.data = row.period.value

    def store(s: Session) -> Expectation:
        return expectations.update(s, ctx.actor(), expectation_id, _expectation_input(form))

    return save_form(
        form,
        "admin/expectation_form.html",
        store,
        done=lambda _row: url_for("admin.expectations_page"),
        message=_("Saved. If you changed the words, leaders are asked to acknowledge it again."),
        item=row,
        language=current_language(),
    )


@bp.post("/expectations/<int:expectation_id>/retire")
@require_role(Role.LND_ADMIN)
def retire_expectation(expectation_id: int) -> Page:
    return act(
        lambda s: expectations.set_retired(
            s, ctx.actor(), expectation_id, retired=True, now=ctx.now()
        ),
        done=url_for("admin.expectations_page"),
        message=_("Retired. Leaders no longer see it; their acknowledgements stay."),
    )


@bp.post("/expectations/<int:expectation_id>/restore")
@require_role(Role.LND_ADMIN)
def restore_expectation(expectation_id: int) -> Page:
    return act(
        lambda s: expectations.set_retired(
            s, ctx.actor(), expectation_id, retired=False, now=ctx.now()
        ),
        done=url_for("admin.expectations_page"),
        message=_("Restored. Leaders see it again."),
    )
