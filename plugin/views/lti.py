"""LTI 1.3 routes: ``/lti/login``, ``/lti/launch``, ``/lti/jwks`` and the
pages a launch lands on. The URLs are stable: LMS admins type them in."""

from __future__ import annotations

import importlib
import importlib.util
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.wrappers import Response

from plugin import csp, metrics
from plugin.db import db_session, get_db
from plugin.extensions import csrf
from plugin.i18n import _
from plugin.lti import framing, nonces, platform_keys
from plugin.lti import keys as tool_keys
from plugin.lti.access import current_launch, require_launch
from plugin.lti.claims import DEEP_LINKING_REQUEST
from plugin.lti.errors import LtiError
from plugin.lti.framing import platform_origins
from plugin.lti.launch import CompletedLaunch, complete_launch
from plugin.lti.login import LoginRedirect, start_login
from plugin.lti.platform_keys import PlatformKeyCache
from plugin.lti.service_clients import outbound
from plugin.lti.session import BINDING_COOKIE, BINDING_FIELD, SESSION_COOKIE, set_cookie
from plugin.lti.settings import LtiSettings, lti_settings
from plugin.lti.validation import (
    MAX_STATE,
    LaunchRequest,
    LeftForRelay,
    validate_launch,
)
from plugin.models.lti import LtiLaunchSession, LtiPlatform
from plugin.models.people import Person, Role, Team
from plugin.views import leader as leader_views
from plugin.views.deep_link_targets import target_url

bp = Blueprint("lti", __name__, url_prefix="/lti")

DEEP_LINKING_MODULE = "plugin.lti.deep_linking"
STORAGE_KEY_PREFIX = "leaderled_binding_"
# Form field the platform-storage relay posts the LMS page's origin back in.
FRAME_FIELD = "lti_frame_origin"


@bp.record_once
def _iframe_safe_flask_session(state: BlueprintSetupState) -> None:
    """Pages inside the LMS iframe post forms whose CSRF token lives in Flask's
    own session cookie; a Lax cookie is not sent there, so give it the same
    cross-site attributes as the launch cookie (unless cookies are not Secure)."""
    if state.app.config.get("LTI_SECURE_COOKIES", True):
        state.app.config.update(
            SESSION_COOKIE_SAMESITE="None",
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_PARTITIONED=True,
        )


def key_cache(app: Flask | None = None) -> PlatformKeyCache:
    """The process-wide platform key cache (tests may install their own)."""
    target = app if app is not None else current_app
    cache = target.extensions.get("leaderled.lti_keys")
    if not isinstance(cache, PlatformKeyCache):
        cache = PlatformKeyCache(platform_keys.fetcher(outbound(target)))
        target.extensions["leaderled.lti_keys"] = cache
    return cache


def _now() -> int:
    return int(time.time())


def _refuse(error: LtiError) -> tuple[str, int]:
    current_app.logger.info("LTI request refused: %s", error.message)
    step = (request.endpoint or "lti.other").removeprefix("lti.")
    metrics.count_refusal(step, error)
    title = _("Launch refused") if error.status < 500 else _("Launch failed")
    return render_template(
        "error.html", code=error.status, title=title, message=error.message
    ), error.status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    params: dict[str, str] = {**request.args.to_dict(), **request.form.to_dict()}
    settings = lti_settings()
    binding = request.cookies.get(BINDING_COOKIE)
    try:
        with get_db().session_scope() as session:
            target = start_login(session, params, settings=settings, now=_now(), binding=binding)
    except LtiError as error:
        csp.frame_by(framing.sending_origin())
        return _refuse(error)
    framing.frame_by_platform(target.platform)
    response: Response
    if target.storage_target:
        response = make_response(
            render_template(
                "lti/storage_login.html",
                auth_url=target.url,
                storage_target=target.storage_target,
                platform_origin=target.platform_origin,
                key=STORAGE_KEY_PREFIX + target.issued.state,
                value=target.issued.binding,
            )
        )
    elif _framed() and not binding:
        response = make_response(_cookie_check_page(target))
    else:
        response = redirect(target.url, code=302)
    set_cookie(
        response,
        BINDING_COOKIE,
        target.issued.binding,
        max_age=settings.login_state_ttl,
        settings=settings,
        path="/lti/",  # seen by the next login too, which reuses it (parallel launches)
    )
    return response


def _framed() -> bool:
    """The login runs inside the LMS's frame (Fetch Metadata; browsers that
    send no ``Sec-Fetch-Dest`` go straight on, as before)."""
    return request.headers.get("Sec-Fetch-Dest", "").lower() in ("iframe", "frame")


def _cookie_check_page(target: LoginRedirect) -> str:
    """In a frame whose browser brought no cookie of ours, before the platform
    spends its one-time launch: does this frame keep the cookie just set? If
    so the page goes on to the platform; if not it offers the same login in a
    new window, first-party, where the LMS signs its own user in again. The
    platform storage route is taken instead when the platform offers it."""
    csp.allow("form-action", target.platform_origin)
    return render_template(
        "lti/cookie_check.html",
        auth_url=target.url,
        check_url=url_for("lti.login_check", state=target.issued.state),
        new_window_login=target.resend,
    )


@bp.get("/login/check")
def login_check() -> tuple[Response, int]:
    """Did the browser send back the cookie bound to this login's state?"""
    state = request.args.get("state", "")
    with get_db().session_scope() as session:
        pending = nonces.peek_login(session, state, _now()) if 0 < len(state) <= MAX_STATE else None
        kept = pending is not None and nonces.binding_matches(
            pending, request.cookies.get(BINDING_COOKIE)
        )
    return jsonify(kept=kept), 200 if kept else 401


def _storage_page(state: str, id_token: str) -> Response | None:
    """When the browser kept no cookie but the platform offered its storage,
    a page that reads the binding from there and posts the launch again."""
    with get_db().session_scope() as session:
        pending = nonces.peek_login(session, state, _now())
        if pending is None or not pending.storage_target:
            return None
        if nonces.binding_matches(pending, request.cookies.get(BINDING_COOKIE)):
            return None
        platform = session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == pending.issuer))
        if platform is None:
            return None
        auth_origin = platform.auth_login_url
        storage_target = pending.storage_target
    return make_response(
        render_template(
            "lti/storage_launch.html",
            storage_target=storage_target,
            platform_origin=_origin(auth_origin),
            key=STORAGE_KEY_PREFIX + state,
            state=state,
            id_token=id_token,
            binding_field=BINDING_FIELD,
            frame_field=FRAME_FIELD,
            frame_origin=framing.sending_origin() or "",
        )
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _from_our_page(settings: LtiSettings) -> bool:
    """Was the launch form posted by our own page (the platform-storage relay
    of ``storage_launch.html``)? Only then are its binding secret and frame
    origin trusted. Any site can post a form here: a binding it sends would
    log the victim's browser into the attacker's launch (login CSRF), so a
    cross-site form's binding is ignored and only the browser's own cookie
    counts."""
    return request.headers.get("Origin") == settings.origin


@bp.post("/launch")
def launch() -> Response | tuple[str, int]:
    settings = lti_settings()
    state = request.form.get("state") or None
    id_token = request.form.get("id_token") or None
    from_us = _from_our_page(settings)
    form_binding = request.form.get(BINDING_FIELD) if from_us else None
    binding = form_binding or request.cookies.get(BINDING_COOKIE)
    cookie_kept = form_binding is None and bool(request.cookies.get(BINDING_COOKIE))
    frame_origin = (
        framing.origin_of(request.form.get(FRAME_FIELD)) if from_us else framing.sending_origin()
    )
    csp.frame_by(frame_origin)
    if any("\x00" in value for value in (state, id_token, binding) if value):
        return _refuse(
            LtiError(
                "The launch contains a NUL character; the platform's form looks corrupted. "
                "Start the launch again from the course page."
            )
        )
    launch_request = LaunchRequest(id_token=id_token, state=state, binding=binding)
    now = _now()
    try:
        # Without the binding posted back by our relay page, a login whose
        # platform offers its storage may need that page (the browser kept
        # no cookie): such a login is then left for it, not consumed.
        relay = bool(state and id_token and not form_binding)
        try:
            completed = _validate_and_complete(launch_request, now, frame_origin, relay=relay)
        except LeftForRelay:
            page = _storage_page(state or "", id_token or "")
            if page is not None:
                return page
            completed = _validate_and_complete(launch_request, now, frame_origin, relay=False)
    except LtiError as error:
        return _refuse(error)
    g.lti_launch = completed.session
    metrics.count_launch()
    target = target_url(completed.session)
    csp.frame_by(completed.session.frame_origin)
    if completed.launch.message_type == DEEP_LINKING_REQUEST:
        response = _deep_linking(completed)
    elif target is not None and cookie_kept:
        # The page the course link names; a redirect is safe only where this
        # browser keeps our cookie (it sent the login's binding cookie back).
        response = redirect(target, code=303)
    else:
        response = make_response(
            _home_page(completed.session, person=completed.person, team=completed.team)
        )
    set_cookie(
        response, SESSION_COOKIE, completed.token, max_age=settings.session_ttl, settings=settings
    )
    # The binding cookie stays until it expires: parallel launches (several
    # iframes on one course page) share it.
    return response


def _validate_and_complete(
    launch_request: LaunchRequest, now: int, frame_origin: str | None, *, relay: bool
) -> CompletedLaunch:
    """Validate the launch, then store it in a transaction of its own
    (:class:`LeftForRelay`: the login was left for the relay page, see
    :func:`plugin.lti.nonces.consume_login`). Validation consumes the login
    first, committed at once: single use even when a check then fails or the
    storing breaks. Two first launches of the same person or course at once
    (two iframes) collide on a unique key; the loser stores once more and
    then finds the rows the winner created."""
    settings = lti_settings()
    # No lock is held while validation may fetch the platform's key set (a
    # network wait of seconds, for a slow platform): its connection commits
    # each statement as it runs.
    with get_db().launch_checks() as conn:
        validated = validate_launch(
            conn, launch_request, keys=key_cache(), settings=settings, now=now, relay=relay
        )
    origin = frame_origin or next(iter(platform_origins(validated.platform)), None)
    for attempt in (1, 2):
        try:
            with get_db().launch_scope() as session:
                return complete_launch(
                    session, validated, settings=settings, now=now, frame_origin=origin
                )
        except IntegrityError:
            if attempt == 2:
                break
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            # Not the generic "try again": this form's login is spent.
            raise LtiError(
                "The connection to the database was lost while your launch was being stored "
                "(the database may have restarted). Start the launch again from the course "
                "page.",
                status=503,
            ) from error
    raise LtiError(
        "Another launch for the same person was being stored at the same moment. Start the "
        "launch again from the course page.",
        status=409,
    )


# Cross-site POSTs from the LMS, protected by state + nonce instead of a CSRF token.
csrf.exempt(login)
csrf.exempt(launch)


def _deep_linking(completed: CompletedLaunch) -> Response:
    """Hand a deep-linking request to the deep-linking module, when installed."""
    if importlib.util.find_spec(DEEP_LINKING_MODULE) is None:
        body = render_template(
            "error.html",
            code=501,
            title="Deep linking not available yet",
            message=(
                "The launch is valid, but this Leaderled version cannot yet pick content for "
                "the course. Add the tool as a plain link (resource link) for now."
            ),
        )
        return make_response(body, 501)
    module = importlib.import_module(DEEP_LINKING_MODULE)
    return make_response(module.start(completed.launch))


def _home_page(
    row: LtiLaunchSession, *, person: Person | None = None, team: Team | None = None
) -> str:
    """The launch page; a launch passes the person and team it just stored."""
    session = db_session()
    if person is None:
        person = session.get(Person, row.person_id)
        team = session.get(Team, row.team_id) if row.team_id is not None else None
    extra = leader_views.dashboard() if row.role is Role.LEADER else {}
    return render_template(
        "lti/home.html", launch=row, person=person, team=team, role=row.role, **extra
    )


@bp.get("/home")
def home() -> str:
    """The role-aware landing page; later pages hang off it."""
    return _home_page(require_launch())


@bp.get("/session")
def session_check() -> tuple[Response, int]:
    """Tells a page in the LMS's frame whether this browser sends our cookie back."""
    launch = current_launch()
    if launch is None:
        return jsonify(kept=False), 401
    return jsonify(kept=True, role=launch.role.value), 200


@bp.get("/jwks")
def jwks() -> Response:
    """The tool's public keys: the current one and the previous one."""
    with get_db().session_scope() as session:
        document = tool_keys.jwks(session)
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
