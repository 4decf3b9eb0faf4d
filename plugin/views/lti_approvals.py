"""``/lti/registrations``: an L&D admin approves their platform's pending
deployments. The approve form carries a signed token bound to the launch
session (Flask's own cookie does not survive inside the LMS's frame)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from plugin.db import db_session, get_db
from plugin.extensions import csrf
from plugin.lti import pending
from plugin.lti.access import require_launch, require_role
from plugin.lti.approvals import ApprovalRefused, approve, pending_for, remove
from plugin.lti.errors import shown
from plugin.lti.service_clients import launch_platform
from plugin.lti.settings import lti_settings
from plugin.models.people import Role

bp = Blueprint("lti_approvals", __name__)
SALT = "leaderled.approvals"
FORM_TTL = 1800


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


# Row ids fit a 32-bit integer column: a larger one is no row (and no 500).
PK = "int(min=1, max=2147483647)"


@bp.get("/lti/registrations")
@require_role(Role.LND_ADMIN)
def registrations() -> str:
    launch = require_launch()
    session = db_session()
    platform, _ = launch_platform(session, launch)
    ttl = lti_settings().pending_registration_ttl
    others = [w for w in pending.waiting(session) if w.issuer != platform.issuer]
    return render_template(
        "lti/approvals.html",
        issuer=platform.issuer,
        pending=pending_for(session, platform.issuer),
        others=others,
        expire_hours=max(1, round(ttl / 3600)),
        token=_serializer().dumps({"session": launch.id}),
        approved=request.args.get("approved"),
        removed=request.args.get("removed"),
    )


def _check_form() -> None:
    """The form's signed token must belong to this launch (Flask's own CSRF
    cookie does not survive inside the LMS's frame)."""
    launch = require_launch()
    try:
        bound = _serializer().loads(request.form.get("token", ""), max_age=FORM_TTL)
    except SignatureExpired:
        abort(400, description="This page has expired. Reload it and try again.")
    except BadSignature:
        abort(400, description="This form was not issued by Leaderled.")
    if not isinstance(bound, dict) or bound.get("session") != launch.id:
        abort(403, description="This form belongs to another launch. Reload the page.")


@bp.post(f"/lti/registrations/<{PK}:deployment_pk>/approve")
@require_role(Role.LND_ADMIN)
def approve_deployment(deployment_pk: int) -> Response:
    launch = require_launch()
    _check_form()
    with get_db().session_scope() as session:
        platform, _ = launch_platform(session, launch)
        try:
            deployment = approve(session, deployment_pk, platform.issuer)
        except ApprovalRefused as refused:
            abort(403, description=str(refused))
        approved = deployment.deployment_id
    current_app.logger.info(
        "deployment %s of %s approved in the tool", shown(approved), shown(platform.issuer)
    )
    return redirect(url_for("lti_approvals.registrations", approved=approved), code=303)


@bp.post(f"/lti/registrations/<{PK}:deployment_pk>/remove")
@require_role(Role.LND_ADMIN)
def remove_deployment(deployment_pk: int) -> Response:
    """Remove a pending registration of the admin's own platform."""
    launch = require_launch()
    _check_form()
    with get_db().session_scope() as session:
        platform, _ = launch_platform(session, launch)
        try:
            removed = remove(session, deployment_pk, platform.issuer)
        except ApprovalRefused as refused:
            abort(403, description=str(refused))
    current_app.logger.info(
        "pending deployment %s of %s removed in the tool", shown(removed), shown(platform.issuer)
    )
    return redirect(url_for("lti_approvals.registrations", removed=removed), code=303)


@bp.post("/lti/registrations/remove-others")
@require_role(Role.LND_ADMIN)
def remove_others() -> Response:
    """Remove every pending registration of platforms other than the admin's:
    anyone can start one, and they count against the cap until they expire."""
    launch = require_launch()
    _check_form()
    with get_db().session_scope() as session:
        platform, _ = launch_platform(session, launch)
        others = [w.client_pk for w in pending.waiting(session) if w.issuer != platform.issuer]
        count = pending.remove(session, others)
    current_app.logger.info("%s pending registrations of other platforms removed", count)
    return redirect(url_for("lti_approvals.registrations", removed=f"{count} others"), code=303)


csrf.exempt(approve_deployment)
csrf.exempt(remove_deployment)
csrf.exempt(remove_others)
