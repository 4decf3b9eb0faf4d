"""The leader's train-the-trainer pages: my pairing (with whom, since when,
sessions together), recording a train-the-trainer session, asking a
colleague for feedback on a session I taught, giving the feedback I was
asked for, and the feedback I received over time."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from plugin.db import db_session
from plugin.i18n import _
from plugin.lti.access import require_role
from plugin.models.people import Role
from plugin.models.records import LeaderLedRecord
from plugin.models.trainers import FeedbackRequest
from plugin.services import feedback, pairings, train_the_trainer
from plugin.services.errors import ServiceError
from plugin.services.roles import name_of
from plugin.views import launch_context as ctx
from plugin.views.form_page import Page, save_form
from plugin.views.page_errors import refuse
from plugin.views.tips_forms import AskForm, FeedbackForm, TttForm

bp = Blueprint("trainers", __name__, url_prefix="/trainers")


@bp.get("/")
@require_role(Role.LEADER)
def home() -> str:
    session = db_session()
    me = ctx.actor().person_id
    mine = pairings.pairings_of(session, me)
    received = feedback.received(session, me)
    ratings = [r.record.rating for r in received if r.record.rating is not None]
    return render_template(
        "trainers/home.html",
        pairings=[(p, pairings.together(session, p)) for p in mine],
        me=me,
        today=ctx.today(),
        asked_of_me=feedback.requests_received(session, me),
        asked_by_me=feedback.requests_made(session, me),
        received_count=len(received),
        average=(sum(ratings) / len(ratings)) if ratings else None,
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@require_role(Role.LEADER)
def new_ttt() -> Page:
    session = db_session()
    form = TttForm()
    form.trainer.choices = [
        SelectChoice(str(p.id), name_of(p))
        for p in train_the_trainer.trainers_offered(session, ctx.actor(), ctx.today())
    ]
    if request.method == "GET":
        form.occurred_at.data = ctx.local_now()

    def store(s: Session) -> LeaderLedRecord:
        return train_the_trainer.record_ttt(
            s,
            ctx.actor(),
            train_the_trainer.TttInput(
                form.title.data or "",
                form.trainer.data,
                form.minutes.data,
                ctx.from_local(form.occurred_at.data),
                form.notes.data or "",
            ),
            pub=ctx.publishing(),
            now=ctx.now(),
            today=ctx.today(),
        )

    return save_form(
        form,
        "trainers/ttt_form.html",
        store,
        done=lambda row: url_for("leader.record", record_id=row.id),
        message=_("Saved. It goes to the LRS shortly."),
    )


@bp.route("/feedback/ask", methods=["GET", "POST"])
@require_role(Role.LEADER)
def ask() -> Page:
    session = db_session()
    who = ctx.actor()
    form = AskForm()
    taught = feedback.sessions_taught(session, who.person_id)
    form.session.choices = [
        SelectChoice(str(r.id), f"{r.title} ({ctx.to_local(r.occurred_at):%Y-%m-%d})")
        for r in taught
    ]
    form.reviewer.choices = [
        SelectChoice(str(p.id), name_of(p)) for p in feedback.colleagues(session, who, ctx.today())
    ]
    if request.method == "GET":
        chosen = request.args.get("session", "")
        form.session.data = int(chosen) if chosen.isdigit() else None

    def store(s: Session) -> FeedbackRequest:
        return feedback.ask(
            s,
            ctx.actor(),
            feedback.AskInput(form.session.data, form.reviewer.data, form.message.data or ""),
            now=ctx.now(),
            today=ctx.today(),
        )

    return save_form(
        form,
        "trainers/ask_form.html",
        store,
        done=lambda _row: url_for("trainers.home"),
        message=_("Asked. They see your request on their train-the-trainer page."),
    )


@bp.route("/feedback/<int:request_id>", methods=["GET", "POST"])
@require_role(Role.LEADER)
def request_page(request_id: int) -> Page:
    session = db_session()
    who = ctx.actor()
    try:
        found = feedback.request_for(session, who, request_id)
    except ServiceError as error:
        return refuse(error)
    form = FeedbackForm()

    def store(s: Session) -> LeaderLedRecord:
        return feedback.give(
            s,
            ctx.actor(),
            request_id,
            feedback.GiveInput(form.rating.data, form.comment.data or ""),
            pub=ctx.publishing(),
            now=ctx.now(),
        )

    return save_form(
        form,
        "trainers/request.html",
        store,
        done=lambda _row: url_for("trainers.home"),
        message=_("Thank you. Your feedback is with them; the rating goes to the LRS shortly."),
        request_row=found,
        reviewing=found.reviewer_id == who.person_id,
    )


@bp.get("/feedback")
@require_role(Role.LEADER)
def received() -> str:
    found = feedback.received(db_session(), ctx.actor().person_id)
    ratings = [r.record.rating for r in found if r.record.rating is not None]
    return render_template(
        "trainers/feedback.html",
        received=found,
        average=(sum(ratings) / len(ratings)) if ratings else None,
    )
