"""The demo LMS page: real LTI 1.3 launches of the tool (development only).

One course ("Team North onboarding") with a leader, a learner, an L&D
admin and a second leader who is an experienced trainer. Each can launch
Leaderled inside an iframe or in a new window; a teacher can add a link by
deep linking; a button registers the tool by dynamic registration; the
course's gradebook shows what the tool posted via AGS. Everything goes
through the real endpoints (OIDC login, signed id_tokens, token endpoint,
NRPS, AGS), so the demo exercises what an LMS would. Not for production.

``make demo`` calls :func:`run_demo_platform` with the tool's public URL and
gets back a :class:`DemoPlatform` whose :meth:`DemoPlatform.register_in_tool`
adds the platform (active) to the tool's database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from plugin.lti_platform.app import create_platform_app
from plugin.lti_platform.platform import LaunchSpec, TestPlatform, ToolRegistration
from plugin.lti_platform.presets import Course, User, as_deep_linking
from plugin.lti_platform.server import RunningServer, serve_in_thread
from plugin.lti_platform.services import (
    DL_CLAIM,
    DeepLinkRefused,
    PlatformServices,
    add_line_item,
    service_claims,
    services_of,
    verify_deep_link_response,
)
from plugin.models.lti import DeploymentStatus, LtiClient, LtiDeployment, LtiPlatform

EXTENSION = "lti_platform.demo"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"

COURSE = Course(id="5", title="Team North onboarding", label="NORTH")
# role in the preset -> the demo person launching with it
PEOPLE = {
    "leader": User(sub="2", given_name="Ada", family_name="Leader", email="ada@example.org"),
    "learner": User(
        sub="11", given_name="Bo", family_name="Learner", email="bo@example.org", username="bo"
    ),
    "admin": User(
        sub="1", given_name="Cy", family_name="Admin", email="cy@example.org", username="cy"
    ),
    # A second leader of the course, the demo's experienced trainer (train-the-trainer).
    "expert": User(
        sub="14", given_name="Fay", family_name="Expert", email="fay@example.org", username="fay"
    ),
}
ROLE_LABELS = {
    "leader": "Leader",
    "learner": "Learner",
    "admin": "L&D admin",
    "expert": "Leader and experienced trainer",
}
#: The LTI role preset each demo person launches with.
PRESET_ROLE = {"expert": "leader"}
ROSTER_EXTRA = [("12", "Dee", "Colleague"), ("13", "Eli", "Newcomer")]

bp = Blueprint("lti_platform_demo", __name__, template_folder="templates")


@dataclass
class DemoSettings:
    tool_url: str
    registration: ToolRegistration


def _settings() -> DemoSettings:
    settings: DemoSettings = current_app.extensions[EXTENSION]
    return settings


def _platform() -> TestPlatform:
    platform: TestPlatform = current_app.extensions["lti_platform"]
    return platform


def demo_roster() -> list[dict[str, Any]]:
    members: list[dict[str, Any]] = []
    roles = {
        "leader": [MEMBERSHIP + "Instructor"],
        "learner": [MEMBERSHIP + "Learner"],
        "admin": [INSTITUTION + "Administrator", MEMBERSHIP + "Instructor"],
        "expert": [MEMBERSHIP + "Instructor"],
    }
    for role, user in PEOPLE.items():
        members.append(_member(user.sub, user.given_name, user.family_name, roles[role]))
    for sub, given, family in ROSTER_EXTRA:
        members.append(_member(sub, given, family, roles["learner"]))
    return members


def _member(sub: str, given: str, family: str, roles: list[str]) -> dict[str, Any]:
    return {
        "user_id": sub,
        "status": "Active",
        "name": f"{given} {family}",
        "given_name": given,
        "family_name": family,
        "email": f"{given.lower()}@example.org",
        "roles": roles,
    }


@dataclass
class CourseLink:
    """A link a teacher added by deep linking; graded when it asked for a line item."""

    index: int
    item: dict[str, Any]
    line_item: str | None = None


def _links() -> list[CourseLink]:
    links: list[CourseLink] = current_app.extensions.setdefault(EXTENSION + ".links", [])
    return links


def _launch_claims(
    role: str, target: str, *, deep_linking: bool, link: CourseLink | None = None
) -> dict[str, Any]:
    settings = _settings()
    platform = _platform()
    claims = platform.claims_for(
        settings.registration,
        user=PEOPLE[role],
        role=PRESET_ROLE.get(role, role),
        course=COURSE,
    )
    claims.update(
        service_claims(request.host_url, COURSE.id, lineitem=link.line_item if link else None)
    )
    presentation = dict(claims.get(LTI + "launch_presentation", {}), document_target=target)
    if request.args.get("lang"):
        presentation["locale"] = request.args["lang"][:16]
    claims[LTI + "launch_presentation"] = presentation
    if link is not None:
        claims[LTI + "resource_link"] = {"id": f"link-{link.index}", "title": link.item["title"]}
        custom = link.item.get("custom")
        if isinstance(custom, dict):
            claims[LTI + "custom"] = dict(claims.get(LTI + "custom", {}), **custom)
    if deep_linking:
        claims = as_deep_linking(claims, return_url=request.host_url + "demo/deep-linking/return")
    return claims


@bp.get("/")
def index() -> str:
    settings = _settings()
    state: PlatformServices = services_of(current_app)
    token = state.issue_registration_token()
    register_url = (
        settings.tool_url.rstrip("/")
        + "/lti/register?"
        + urlencode(
            {
                "openid_configuration": request.host_url + "platform/openid-configuration",
                "registration_token": token,
            }
        )
    )
    links = _links()
    gradebook = [
        {"item": item, "scores": state.scores.get(item_id, [])}
        for item_id, item in state.line_items.get(COURSE.id, {}).items()
    ]
    return render_template(
        "demo.html",
        course=COURSE,
        people=PEOPLE,
        labels=ROLE_LABELS,
        tool_url=settings.tool_url,
        register_url=register_url,
        registered=sorted(state.clients),
        links=links,
        gradebook=gradebook,
        issuer=_platform().issuer,
        client_id=settings.registration.client_id,
        deployment_id=settings.registration.deployment_id,
    )


@bp.get("/demo/launch/<role>")
def launch(role: str) -> Response:
    """A fresh launch per click (the message hint is single use)."""
    if role not in PEOPLE:
        abort(404)
    target = "window" if request.args.get("target") == "window" else "iframe"
    deep_linking = request.args.get("deep_linking") == "1"
    custom = request.args.get("open")
    index = request.args.get("link", type=int)
    links = _links()
    link = links[index] if index is not None and 0 <= index < len(links) else None
    claims = _launch_claims(role, target, deep_linking=deep_linking, link=link)
    if custom:
        claims[LTI + "custom"] = dict(claims.get(LTI + "custom", {}), leaderled_open=custom)
    settings = _settings()
    params = _platform().login_params(settings.registration, LaunchSpec(claims=claims))
    return redirect(settings.registration.login_url + "?" + urlencode(params), code=302)


_BACK_TO_COURSE = """<!doctype html><html><head><meta charset="utf-8"><title>Link added</title>
</head><body><p>Link added. <a href="/?added=1" target="_top">Back to the course</a></p>
<script>window.top.location.href = "/?added=1";</script></body></html>"""


@bp.post("/demo/deep-linking/return")
def deep_linking_return() -> str:
    """Verify and keep the tool's choice, then show the course (as an LMS closes its dialog)."""
    try:
        claims = verify_deep_link_response(request.form.get("JWT", ""))
    except DeepLinkRefused as refused:
        abort(400, description=f"Deep linking response refused: {refused}")
    links = _links()
    for item in claims.get(DL_CLAIM + "content_items", []):
        if not isinstance(item, dict):
            continue
        line_item = None
        wanted = item.get("lineItem")
        if isinstance(wanted, dict):  # as Moodle does: a grade item for the new link
            line_item = add_line_item(
                current_app, COURSE.id, request.host_url, **wanted, resourceLinkId=len(links)
            )["id"]
        links.append(CourseLink(len(links), item, line_item))
    return _BACK_TO_COURSE


@dataclass
class DemoPlatform:
    """The running demo LMS and what the tool must know about it."""

    app: Flask
    platform: TestPlatform
    server: RunningServer
    registration: ToolRegistration

    @property
    def url(self) -> str:
        return self.platform.issuer

    def register_in_tool(self, session: Session) -> None:
        """Add this platform, client and (active) deployment to the tool's database."""
        row = session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == self.url))
        if row is None:
            row = LtiPlatform(
                issuer=self.url,
                name="Demo LMS",
                auth_login_url=self.url + "/auth",
                jwks_url=self.url + "/jwks",
                token_url=self.url + "/platform/token",
            )
            session.add(row)
        client = next((c for c in row.clients if c.client_id == self.registration.client_id), None)
        if client is None:
            client = LtiClient(platform=row, client_id=self.registration.client_id)
            session.add(client)
        if not any(d.deployment_id == self.registration.deployment_id for d in client.deployments):
            session.add(
                LtiDeployment(
                    client=client,
                    deployment_id=self.registration.deployment_id,
                    status=DeploymentStatus.ACTIVE,
                )
            )

    def stop(self) -> None:
        self.server.stop()


def build_demo_app(
    platform: TestPlatform, tool_url: str, *, client_id: str, deployment_id: str
) -> tuple[Flask, ToolRegistration]:
    tool = tool_url.rstrip("/")
    registration = ToolRegistration(
        client_id=client_id,
        deployment_id=deployment_id,
        login_url=tool + "/lti/login",
        redirect_uris=[tool + "/lti/launch"],
        target_link_uri=tool + "/lti/launch",
        jwks_url=tool + "/lti/jwks",
    )
    platform.register_tool(registration)
    app = create_platform_app(platform)
    app.register_blueprint(bp)
    app.extensions[EXTENSION] = DemoSettings(tool, registration)
    services_of(app).set_roster(COURSE.id, demo_roster(), title=COURSE.title)
    return app, registration


def run_demo_platform(
    tool_url: str,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    client_id: str = "leaderled-demo",
    deployment_id: str = "1",
) -> DemoPlatform:
    """Start the demo LMS in a background thread; its issuer is its own URL.

    Serve the tool on another host name (``localhost`` vs ``127.0.0.1``) to
    see the cross-site iframe behaviour browsers apply to a real LMS.
    """
    platform = TestPlatform("http://placeholder", preset="moodle")
    app, registration = build_demo_app(
        platform, tool_url, client_id=client_id, deployment_id=deployment_id
    )
    server = serve_in_thread(app, host, port)
    public_host = "127.0.0.1" if host in ("", "0.0.0.0") else host  # noqa: S104
    platform.issuer = f"http://{public_host}:{server.port}"
    return DemoPlatform(app, platform, server, registration)
