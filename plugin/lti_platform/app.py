"""The development LMS as a Flask app (tests and demo only, not production).

Routes: ``/jwks`` (the platform's keys, with a configurable Cache-Control),
``/auth`` (OIDC authorization endpoint: checks the request and answers with
an auto-submitting form_post to the tool), ``/launch/<hint>`` (starts a
prepared launch by sending the browser to the tool's login URL) and
``/course/<hint>`` (a course page embedding that launch in an iframe). The LTI
services (token endpoint, AGS, NRPS, dynamic registration) live in
``plugin/lti_platform/services.py`` and are registered here when present.
"""

from __future__ import annotations

import importlib
import importlib.util
import secrets
from typing import Any
from urllib.parse import urlencode

from flask import (
    Flask,
    Response,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template_string,
    request,
)

from plugin.lti_platform.platform import LaunchSpec, PlatformError, TestPlatform, ToolRegistration

SERVICES_MODULE = "plugin.lti_platform.services"
# The LMS's own session cookie: a browser that opened a course page is
# "signed in" there, and launches it started are completed only for it.
LMS_SESSION = "lms_session"

_FORM_POST = """<!doctype html>
<html><head><meta charset="utf-8"><title>Launching…</title></head>
<body>
<form id="lti" method="post" action="{{ action }}">
{% for name, value in fields.items() %}<input type="hidden" name="{{ name }}" value="{{ value }}">
{% endfor %}<noscript><button type="submit">Continue</button></noscript>
</form>
<script>document.getElementById("lti").submit();</script>
</body></html>"""


_COURSE_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Course · Development LMS</title></head>
<body>
<h1>Development LMS (not for production)</h1>
<iframe id="tool" name="tool" src="{{ src }}" width="900" height="600"
        allow="clipboard-write" title="Leaderled"></iframe>
<script>
/* LTI client-side storage (lti.put_data / lti.get_data), kept per tool origin,
   for launches started with lti_storage_target=_parent. */
(function () {
  var store = {};
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    var slot = event.origin + " " + data.key;
    if (data.subject === "lti.put_data") {
      store[slot] = data.value;
    } else if (data.subject !== "lti.get_data") {
      return;
    }
    event.source.postMessage({subject: data.subject + ".response", message_id: data.message_id,
                              key: data.key, value: store[slot]}, event.origin);
  });
})();
</script>
</body></html>"""


def create_platform_app(platform: TestPlatform, **config: Any) -> Flask:
    """A Flask app serving ``platform``; ``config`` goes to ``app.config``."""
    app = Flask(__name__)
    app.config.update(config)
    app.extensions["lti_platform"] = platform

    @app.get("/jwks")
    def jwks() -> Response:
        response = jsonify(platform.jwks())
        if platform.jwks_cache_control:
            response.headers["Cache-Control"] = platform.jwks_cache_control
        return response

    @app.route("/auth", methods=["GET", "POST"])
    def auth() -> str | tuple[str, int]:
        query = {**request.args.to_dict(), **request.form.to_dict()}
        try:
            action, fields = platform.authorize(query, session=request.cookies.get(LMS_SESSION))
        except PlatformError as error:
            return f"Authorization refused: {error}", 400
        return render_template_string(_FORM_POST, action=action, fields=fields)

    @app.get("/launch/<hint>")
    def launch(hint: str) -> Any:
        """Start a launch prepared with :func:`start_url` (a link in the demo LMS page)."""
        pending = app.extensions.setdefault("lti_platform.starts", {})
        start = pending.get(hint)
        if start is None:
            abort(404)
        tool, params = start
        return redirect(tool.login_url + "?" + urlencode(params))

    @app.get("/course/<hint>")
    def course(hint: str) -> Response:
        """A course page that embeds the launch in an iframe, as an LMS does.
        Opening it signs this browser in to the LMS as the launch's user."""
        if hint not in app.extensions.setdefault("lti_platform.starts", {}):
            abort(404)
        session = request.cookies.get(LMS_SESSION) or secrets.token_urlsafe(16)
        platform.bind(hint, session)
        response = make_response(render_template_string(_COURSE_PAGE, src="/launch/" + hint))
        # As Moodle's session cookie: sent in the LMS's own frames too.
        response.set_cookie(LMS_SESSION, session, httponly=True, secure=True, samesite="None")
        return response

    if importlib.util.find_spec(SERVICES_MODULE) is not None:
        services = importlib.import_module(SERVICES_MODULE)
        app.register_blueprint(services.bp)
    return app


def start_url(
    app: Flask, tool: ToolRegistration, spec: LaunchSpec, *, base_url: str, **overrides: str
) -> str:
    """A URL on the platform that sends a browser into a launch of ``spec``."""
    platform: TestPlatform = app.extensions["lti_platform"]
    params = platform.login_params(tool, spec, **overrides)
    key = params["lti_message_hint"]
    app.extensions.setdefault("lti_platform.starts", {})[key] = (tool, params)
    return base_url.rstrip("/") + "/launch/" + key
