"""L&D's train-the-trainer pages: the organisation's leaders with their
teaching experience, who is an experienced trainer and for how many new
trainers at once, suggestions of who could pair with whom, pairing two
leaders for a period and ending a pairing."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from plugin.db import db_session
from plugin.i18n import _
from plugin.lti.access import require_role
from plugin.models.people import Person, Role
from plugin.models.trainers import Trainer, TrainerPairing
from plugin.services import pairings, trainers
from plugin.services.errors import NotFound, ServiceError
from plugin.services.roles import has_role, name_of, people_with_role
from plugin.views import launch_context as ctx
from plugin.views.admin_forms import ActionForm, CapacityForm, PairingForm
from plugin.views.form_page import Page, act, save_form
from plugin.views.page_errors import refuse

bp = Blueprint("admin_trainers", __name__, url_prefix="/admin")
DEFAULT_MONTHS = 6


@bp.get("/trainers")
@require_role(Role.LND_ADMIN)
def trainers_page() -> str:
    session = db_session()
    today = ctx.today()
    experience = trainers.experience_of_leaders(session, today)
    return render_template(
        "admin/trainers.html",
        experience=experience,
        suggestions=trainers.suggestions(experience),
        pairings=pairings.current_pairings(session, today),
        today=today,
    )


@bp.route("/trainers/<int:person_id>", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def capacity(person_id: int) -> Page:
    session = db_session()
    person = session.get(Person, person_id)
    if person is None or not has_role(session, person_id, Role.LEADER):
        return refuse(NotFound(_("There is no such leader.")))
    current = trainers.trainer_of(session, person_id)
    form = CapacityForm()
    if request.method == "GET":
        form.capacity.data = current.capacity if current else trainers.DEFAULT_CAPACITY

    def store(s: Session) -> Trainer | None:
        return trainers.set_capacity(s, ctx.actor(), person_id, form.capacity.data)

    return save_form(
        form,
        "admin/capacity_form.html",
        store,
        done=lambda _row: url_for("admin_trainers.trainers_page"),
        message=_("Saved."),
        person=person,
        current=current,
    )


def _fill(form: PairingForm, session: Session) -> None:
    form.new_trainer.choices = [
        SelectChoice(str(p.id), name_of(p)) for p in people_with_role(session, Role.LEADER)
    ]
    rows = session.execute(
        select(Person, Trainer.capacity)
        .join(Trainer, Trainer.person_id == Person.id)
        .where(Trainer.capacity > 0)
        .order_by(Person.display_name, Person.id)
    ).all()
    form.experienced_trainer.choices = [
        SelectChoice(
            str(person.id),
            _("%(name)s (up to %(num)d at once)", name=name_of(person), num=room),
        )
        for person, room in rows
    ]


def _number(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.route("/pairings/new", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def new_pairing() -> Page:
    session = db_session()
    form = PairingForm()
    _fill(form, session)
    if request.method == "GET":
        today = ctx.today()
        form.new_trainer.data = _number("new_trainer")
        form.experienced_trainer.data = _number("experienced_trainer")
        form.starts_on.data = today
        form.ends_on.data = today + timedelta(days=DEFAULT_MONTHS * 30)

    def store(s: Session) -> TrainerPairing:
        return pairings.pair(
            s,
            ctx.actor(),
            pairings.PairingInput(
                form.new_trainer.data,
                form.experienced_trainer.data,
                form.starts_on.data,
                form.ends_on.data,
            ),
            pub=ctx.publishing(),
            now=ctx.now(),
            today=ctx.today(),
        )

    return save_form(
        form,
        "admin/pairing_form.html",
        store,
        done=lambda _row: url_for("admin_trainers.trainers_page"),
        message=_("Paired. Both see the pairing on their train-the-trainer page."),
    )


@bp.route("/pairings/<int:pairing_id>/end", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def end_pairing(pairing_id: int) -> Page:
    try:
        pairing = pairings.pairing_by_id(db_session(), pairing_id)
    except ServiceError as error:
        return refuse(error)
    if request.method == "POST":
        return act(
            lambda s: pairings.end_pairing(s, ctx.actor(), pairing_id, now=ctx.now()),
            done=url_for("admin_trainers.trainers_page"),
            message=_("The pairing has ended. Its records stay."),
        )
    return render_template("admin/pairing_end.html", pairing=pairing, form=ActionForm())
