"""``/lti/register``: LTI Dynamic Registration, the one URL an LMS admin pastes.

Registration happens on the GET the platform opens (in its dialog or a
popup): cookies and CSRF tokens are unreliable inside another site's frame,
and the platform's single-use registration token is what authorises the call.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from werkzeug.wrappers import Response

from plugin import csp
from plugin.db import get_db
from plugin.lti import dynamic_registration as dr
from plugin.lti import pending
from plugin.lti.errors import shown
from plugin.lti.framing import origin_of
from plugin.lti.service_clients import outbound
from plugin.lti.settings import lti_settings
from plugin.models.lti import DeploymentStatus

bp = Blueprint("lti_registration", __name__)


@bp.after_request
def _no_referrer(response: Response) -> Response:
    """The URL carries the platform's registration token: keep it out of Referer headers."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refuse(message: str, status: int) -> tuple[str, int]:
    current_app.logger.info("LTI registration refused: %s", message)
    return render_template(
        "error.html", code=status, title="Registration not completed", message=message
    ), status


@bp.get("/lti/register")
def register() -> str | tuple[str, int]:
    config_url = request.args.get("openid_configuration", "").strip()
    token = request.args.get("registration_token") or None
    # The LMS shows this page in its dialog (an iframe in Moodle).
    csp.frame_by(origin_of(config_url) if dr.is_http_url(config_url) else None)
    if not config_url:
        return _refuse(
            "This is Leaderled's dynamic registration URL. Paste it into your LMS's "
            "'register a tool' (LTI Advantage / dynamic registration) field; the LMS then "
            "opens it with its openid_configuration.",
            400,
        )
    if not dr.is_http_url(config_url):
        return _refuse("openid_configuration must be an absolute http(s) URL.", 400)
    settings = lti_settings()
    auto_approve = settings.auto_approve_registrations
    cap, ttl = settings.max_pending_registrations, settings.pending_registration_ttl
    # Anyone can open this URL: cap what unapproved registrations may pile up
    # (checked here before calling out, and again atomically when storing).
    with get_db().session_scope() as session:
        pending.purge_expired(session, ttl=ttl)
        waiting = pending.count(session)
    if not auto_approve and waiting >= cap:
        return _refuse(dr.full_message(waiting, ttl), 429)
    http = outbound()
    try:
        token = dr.check_registration_token(token)
        document = dr.fetch_json(http, config_url)
        platform = dr.parse_configuration(config_url, document)
        body = dr.tool_registration(settings, platform)
        registration = dr.register(http, platform, body, token)
    except dr.RegistrationError as error:
        return _refuse(error.message, error.status)
    try:
        with get_db().session_scope() as session:
            row, deployment = dr.store(
                session,
                platform,
                registration,
                auto_approve=auto_approve,
                cap=cap if not auto_approve else 2**31,
                ttl=ttl,
            )
            platform_name = row.name
            status = deployment.status if deployment is not None else None
            deployment_id = deployment.deployment_id if deployment is not None else None
    except dr.RegistrationError as error:
        return _refuse(error.message, error.status)
    current_app.logger.info(
        "platform %s registered client %s, deployment %s (%s)",
        shown(platform.issuer),
        shown(registration.client_id),
        shown(deployment_id or "none"),
        status.value if status is not None else "waiting for a deployment",
    )
    return render_template(
        "lti/registration_done.html",
        platform_name=platform_name,
        issuer=platform.issuer,
        client_id=registration.client_id,
        deployment_id=deployment_id,
        pending=status is not DeploymentStatus.ACTIVE,
    )
