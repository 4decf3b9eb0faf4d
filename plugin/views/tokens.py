"""API token pages: a leader's personal tokens, and an L&D admin's service
tokens for HR systems and bots. A new token's secret is shown on the page
that created it, once; Leaderled keeps only its digest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from plugin.db import db_session
from plugin.i18n import _
from plugin.lti.access import require_role
from plugin.models.api import ApiToken, Scope, TokenKind
from plugin.models.people import Person, Role, Team
from plugin.services import tokens
from plugin.services.errors import Invalid, ServiceError
from plugin.views import launch_context as ctx
from plugin.views.page_errors import apply_errors, refuse
from plugin.views.token_forms import RevokeForm, TokenForm, scope_choices

bp = Blueprint("tokens", __name__)

PERSONAL = [Scope.RECORDS_WRITE, Scope.RECORDS_READ, Scope.REPORTS_READ]


def _team_choices(teams: list[Team]) -> list[Any]:
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(str(t.id), t.title or t.context_id) for t in teams]


def _status(token: ApiToken, now: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "live" if tokens.is_live(token, now) else "expired"


def _page(template: str, form: TokenForm, listed: Any, **extra: Any) -> str:
    return render_template(
        template,
        form=form,
        tokens=listed,
        status=_status,
        now=datetime.now(UTC),
        revoke_form=RevokeForm(),
        **extra,
    )


def _person_by_email(text: str) -> int | None:
    found = (
        db_session()
        .scalars(select(Person.id).where(func.lower(Person.email) == text.strip().lower()))
        .all()
    )
    if len(found) != 1:
        raise Invalid({"person": _("Nobody with this email is known to Leaderled.")})
    return int(found[0])


def _create(form: TokenForm, kind: TokenKind, person_id: int | None) -> tokens.NewToken | None:
    """The new token, or None with each message next to its field (nothing stored)."""
    session = db_session()
    days = form.days.data
    try:
        if kind is TokenKind.SERVICE and (form.person.data or "").strip():
            person_id = _person_by_email(form.person.data)
        made = tokens.create(
            session,
            tokens.TokenInput(
                kind=kind,
                name=form.name.data or "",
                scopes=tuple(form.scopes.data or ()),
                days=int(days) if str(days).isdigit() else None,
                person_id=person_id,
                team_ids=tuple(form.teams.data or ()),
            ),
            created_by=ctx.actor().person_id,
            now=datetime.now(UTC),
        )
        session.commit()
    except Invalid as invalid:
        session.rollback()
        apply_errors(form, invalid)
        return None
    return made


@bp.route("/leader/tokens", methods=["GET", "POST"])
@require_role(Role.LEADER)
def personal() -> tuple[str, int] | str:
    session = db_session()
    who = ctx.actor()
    teams = _team_choices(tokens.teams_of(session, who.person_id))

    def blank(formdata: Any = None) -> TokenForm:
        found = TokenForm() if formdata is None else TokenForm(formdata=formdata)
        found.scopes.choices = scope_choices(PERSONAL)
        found.teams.choices = teams
        if request.method == "GET" or formdata is not None:
            found.scopes.data = [s.value for s in PERSONAL]
        return found

    form = blank()
    made = None
    if request.method == "POST" and form.validate():
        made = _create(form, TokenKind.PERSONAL, who.person_id)
        if made is None:
            listed = tokens.personal_tokens(session, who.person_id)
            return _page("tokens/personal.html", form, listed), 422
        form = blank(formdata=MultiDict())  # a fresh form: one click, one token
    listed = tokens.personal_tokens(session, who.person_id)
    return _page("tokens/personal.html", form, listed, made=made)


@bp.route("/admin/tokens", methods=["GET", "POST"])
@require_role(Role.LND_ADMIN)
def service() -> tuple[str, int] | str:
    session = db_session()
    teams = _team_choices(list(session.scalars(select(Team).order_by(Team.title, Team.id))))

    def blank(formdata: Any = None) -> TokenForm:
        found = TokenForm() if formdata is None else TokenForm(formdata=formdata)
        found.scopes.choices = scope_choices(list(Scope))
        found.teams.choices = teams
        return found

    form = blank()
    made = None
    if request.method == "POST" and form.validate():
        made = _create(form, TokenKind.SERVICE, None)
        if made is None:
            listed = tokens.all_tokens(session, TokenKind.SERVICE)
            return _page("tokens/service.html", form, listed), 422
        form = blank(formdata=MultiDict())  # a fresh form: one click, one token
    listed = tokens.all_tokens(session, TokenKind.SERVICE)
    return _page("tokens/service.html", form, listed, made=made)


@bp.post("/leader/tokens/<int:token_id>/revoke")
@require_role(Role.LEADER)
def revoke_personal(token_id: int) -> Response | tuple[str, int]:
    return _revoke(token_id, "tokens.personal", personal=True)


@bp.post("/admin/tokens/<int:token_id>/revoke")
@require_role(Role.LND_ADMIN)
def revoke_service(token_id: int) -> Response | tuple[str, int]:
    return _revoke(token_id, "tokens.service", personal=False)


def _revoke(token_id: int, back: str, *, personal: bool) -> Response | tuple[str, int]:
    session = db_session()
    if not RevokeForm().validate():
        return refuse(Invalid({"csrf_token": _("The form expired; open the page again.")}))
    try:
        found = (
            tokens.own_personal_token(session, ctx.actor(), token_id)
            if personal
            else tokens.service_token(session, ctx.actor(), token_id)
        )
    except ServiceError as error:
        return refuse(error)
    tokens.revoke(session, found, datetime.now(UTC))
    session.commit()
    flash(_("Revoked. Calls with this token are refused from now on."), "success")
    return redirect(url_for(back), code=303)
