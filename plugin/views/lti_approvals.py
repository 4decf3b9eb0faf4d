"""``/lti/registrations``: an L&D admin approves their platform's pending
deployments. The approve form carries a signed token bound to the launch
session (Flask's own cookie does not survive inside the LMS's frame)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from plugin.db import db_session, get_db
from plugin.extensions import csrf
from plugin.lti.access import require_launch, require_role
from plugin.lti.approvals import ApprovalRefused, approve, pending_for
from plugin.lti.errors import shown
from plugin.lti.service_clients import launch_platform
from plugin.models.people import Role

bp = Blueprint("lti_approvals", __name__)
SALT = "leaderled.approvals"
FORM_TTL = 1800


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


@bp.get("/lti/registrations")
@require_role(Role.LND_ADMIN)
def registrations() -> str:
    launch = require_launch()
    platform, _ = launch_platform(db_session(), launch)
    return render_template(
        "lti/approvals.html",
        issuer=platform.issuer,
        pending=pending_for(db_session(), platform.issuer),
        token=_serializer().dumps({"session": launch.id}),
        approved=request.args.get("approved"),
    )


@bp.post("/lti/registrations/<int:deployment_pk>/approve")
@require_role(Role.LND_ADMIN)
def approve_deployment(deployment_pk: int) -> Response:
    launch = require_launch()
    try:
        bound = _serializer().loads(request.form.get("token", ""), max_age=FORM_TTL)
    except SignatureExpired:
        abort(400, description="This page has expired. Reload it and approve again.")
    except BadSignature:
        abort(400, description="This approval form was not issued by Leaderled.")
    if bound.get("session") != launch.id:
        abort(403, description="This approval form belongs to another launch. Reload the page.")
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


csrf.exempt(approve_deployment)
