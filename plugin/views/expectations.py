"""The leader's expectations page: what is asked of me as a teacher (to
acknowledge, recorded), my progress computed from my records, and the goals
I set myself (set, then marked met or not)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from sqlalchemy.orm import Session

from plugin.db import db_session
from plugin.i18n import _, ngettext
from plugin.lti.access import require_role
from plugin.models.expectations import Goal, Measure
from plugin.models.people import Role
from plugin.services import expectations, goals
from plugin.services.expectations import Progress
from plugin.views import launch_context as ctx
from plugin.views.admin_forms import ActionForm
from plugin.views.form_page import Page, act, save_form
from plugin.views.labels import THIS_PERIOD
from plugin.views.tips_forms import GoalForm

bp = Blueprint("expectations", __name__, url_prefix="/expectations")


@bp.app_template_global("progress_text")
def progress_text(progress: Progress) -> str:
    """ "2 of 3 knowledge sessions this quarter", in the page's language."""
    done, target = progress.done, progress.target
    if progress.measure is Measure.KNOWLEDGE_SESSIONS:
        text = ngettext(
            "%(done)d of %(num)d knowledge session",
            "%(done)d of %(num)d knowledge sessions",
            target,
            done=done,
        )
    elif progress.measure is Measure.COACHING_MOMENTS:
        text = ngettext(
            "%(done)d of %(num)d coaching or mentoring moment",
            "%(done)d of %(num)d coaching or mentoring moments",
            target,
            done=done,
        )
    elif progress.measure is Measure.MATERIALS_SHARED:
        text = ngettext(
            "%(done)d of %(num)d material shared",
            "%(done)d of %(num)d materials shared",
            target,
            done=done,
        )
    else:
        text = ngettext(
            "%(done)d of %(num)d team member coached",
            "%(done)d of %(num)d team members coached",
            target,
            done=done,
        )
    return f"{text} {THIS_PERIOD[progress.period.value]}"


@bp.get("/")
@require_role(Role.LEADER)
def home() -> str:
    session = db_session()
    return render_template(
        "expectations/home.html",
        mine=expectations.for_leader(session, ctx.actor(), ctx.today()),
        goals=goals.goals_of(session, ctx.actor().person_id),
        today=ctx.today(),
        form=ActionForm(),
    )


@bp.post("/<int:expectation_id>/acknowledge")
@require_role(Role.LEADER)
def acknowledge(expectation_id: int) -> Page:
    return act(
        lambda s: expectations.acknowledge(
            s, ctx.actor(), expectation_id, pub=ctx.publishing(), now=ctx.now()
        ),
        done=url_for("expectations.home"),
        message=_("Acknowledged. It goes to the LRS shortly."),
    )


@bp.route("/goals/new", methods=["GET", "POST"])
@require_role(Role.LEADER)
def new_goal() -> Page:
    form = GoalForm()

    def store(s: Session) -> Goal:
        return goals.set_goal(
            s,
            ctx.actor(),
            goals.GoalInput(form.title.data or "", form.due_on.data),
            pub=ctx.publishing(),
            now=ctx.now(),
            today=ctx.today(),
        )

    return save_form(
        form,
        "expectations/goal_form.html",
        store,
        done=lambda _row: url_for("expectations.home"),
        message=_("Goal set. It goes to the LRS shortly."),
    )


@bp.post("/goals/<int:goal_id>/met")
@require_role(Role.LEADER)
def goal_met(goal_id: int) -> Page:
    return act(
        lambda s: goals.close_goal(
            s, ctx.actor(), goal_id, met=True, pub=ctx.publishing(), now=ctx.now()
        ),
        done=url_for("expectations.home"),
        message=_("Well done. Marked as met; it goes to the LRS shortly."),
    )


@bp.post("/goals/<int:goal_id>/not-met")
@require_role(Role.LEADER)
def goal_not_met(goal_id: int) -> Page:
    return act(
        lambda s: goals.close_goal(
            s, ctx.actor(), goal_id, met=False, pub=ctx.publishing(), now=ctx.now()
        ),
        done=url_for("expectations.home"),
        message=_("Marked as not met. This stays in Leaderled."),
    )
