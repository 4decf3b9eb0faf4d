"""LTI Dynamic Registration 1.0: one URL for the LMS admin.

The platform opens ``/lti/register?openid_configuration=...&registration_token=...``.
We fetch and check the platform's OpenID configuration, post our tool
registration (``private_key_jwt``, resource-link and deep-linking messages,
AGS and NRPS scopes, the claims we need) and store platform, client id and
deployment. A new deployment stays pending until an L&D admin approves it,
unless auto-approval is configured, because anyone can point this URL at a
platform of their own making.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plugin.lti import outbound, pending
from plugin.lti.ags import SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE
from plugin.lti.errors import shown
from plugin.lti.nrps import SCOPE_MEMBERSHIPS
from plugin.lti.outbound import OutboundClient
from plugin.lti.settings import LtiSettings
from plugin.models.lti import DeploymentStatus, LtiClient, LtiDeployment, LtiPlatform
from plugin.models.people import utcnow

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
WANTED_SCOPES = (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READ,
    SCOPE_RESULT_READ,
    SCOPE_SCORE,
    SCOPE_MEMBERSHIPS,
)
WANTED_CLAIMS = ("iss", "sub", "name", "given_name", "family_name", "email", "locale")
MAX_DOCUMENT = 256 * 1024
# The columns these values are stored in (plugin/models/lti.py).
MAX_URL = 1024
MAX_ISSUER = 512
MAX_NAME = 255
MAX_ID = 255
MAX_TOKEN = 4096
REGISTRATION_TOKEN = re.compile(r"[\x21-\x7e]+")
DEFAULT_NAME = "Leaderled"

log = logging.getLogger(__name__)


class RegistrationError(Exception):
    """A registration we cannot complete; the message is shown to the LMS admin."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class PlatformConfiguration:
    """The parts of the platform's openid-configuration we rely on."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    product_family_code: str
    messages: frozenset[str]
    scopes: frozenset[str] | None  # None: the platform did not list them
    variables: frozenset[str]
    token_audience: str | None = None


@dataclass(frozen=True)
class Registration:
    """What the platform answered: our client id and, usually, a deployment id."""

    client_id: str
    deployment_id: str | None
    scopes: frozenset[str]


def origin(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port or _port(parts.scheme)
    except ValueError as exc:  # "http://[::1", "http://x:99999"
        raise RegistrationError(f"{shown(url)} is not a valid URL.") from exc
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def is_http_url(value: Any) -> bool:
    """An absolute http(s) URL that parses (valid port, brackets), stores
    (printable: no NUL or newline; fits the URL columns) and names a host."""
    if not isinstance(value, str) or not value.isprintable() or len(value) > MAX_URL:
        return False  # NUL, newlines (log injection), control characters
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  raises ValueError on a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _text(what: str, value: str, limit: int) -> str:
    """A value the platform sent that we store: no NUL, within its column."""
    if not value.isprintable() or not value or len(value) > limit:
        raise RegistrationError(
            f"The platform sent {what} '{shown(value)}', which is empty, longer than {limit} "
            "characters or contains a NUL, newline or control character; refusing to register."
        )
    return value


def fetch_json(http: OutboundClient, url: str) -> Any:
    """GET a JSON document through the outbound client: public hosts and the
    allow-listed private ones only, no redirects, bounded size and time.
    Anyone can start a registration, so what the server answered is logged,
    never shown: only the status code is."""
    try:
        answer = http.send(
            "GET", url, headers={"Accept": "application/json"}, max_body=MAX_DOCUMENT
        )
    except requests.RequestException as exc:
        log.info("platform configuration at %s not fetched: %s", shown(url), outbound.detail(exc))
        raise RegistrationError(
            f"Could not fetch the platform's configuration from {shown(url)}: "
            f"{outbound.describe(exc)}. Check the URL and that the tool can reach the LMS."
        ) from exc
    if answer.status != 200:
        raise RegistrationError(
            f"The platform's configuration at {shown(url)} answered HTTP {answer.status}."
        )
    try:
        return json.loads(answer.body)
    except (ValueError, RecursionError) as exc:
        raise RegistrationError("The platform's configuration is not JSON.") from exc


def _message_types(supported: Any) -> list[str]:
    """``[{"type": ...}]`` per the spec; some platform versions list bare strings."""
    if not isinstance(supported, list):
        return []
    return [
        m if isinstance(m, str) else m["type"]
        for m in supported
        if isinstance(m, str) or (isinstance(m, dict) and isinstance(m.get("type"), str))
    ]


def parse_configuration(url: str, doc: Any) -> PlatformConfiguration:
    """Check the document against LTI Dynamic Registration 1.0 section 3.4."""
    if not isinstance(doc, dict):
        raise RegistrationError("The platform's configuration is not a JSON object.")
    missing = [
        name
        for name in (
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "jwks_uri",
            "registration_endpoint",
        )
        if not is_http_url(doc.get(name))
    ]
    if missing:
        raise RegistrationError(
            "The platform's configuration lacks "
            + ", ".join(missing)
            + f" (absolute URLs of at most {MAX_URL} characters)."
        )
    issuer = _text("the issuer", str(doc["issuer"]), MAX_ISSUER)
    if origin(issuer) != origin(url):
        raise RegistrationError(
            f"The platform's issuer {shown(issuer)} is not on the same site as its "
            f"configuration URL {shown(url)}; refusing to register."
        )
    auth_methods = doc.get("token_endpoint_auth_methods_supported")
    if not isinstance(auth_methods, list) or "private_key_jwt" not in auth_methods:
        raise RegistrationError(
            "The platform does not support private_key_jwt for its token endpoint, which "
            "LTI 1.3 services require."
        )
    algs = doc.get("id_token_signing_alg_values_supported")
    if not isinstance(algs, list) or "RS256" not in algs:
        raise RegistrationError("The platform does not sign id_tokens with RS256.")
    lti = doc.get(PLATFORM_CONFIG)
    if not isinstance(lti, dict):
        raise RegistrationError(f"The platform's configuration lacks {PLATFORM_CONFIG}.")
    messages = frozenset(_message_types(lti.get("messages_supported")))
    if "LtiResourceLinkRequest" not in messages:
        raise RegistrationError("The platform does not support LtiResourceLinkRequest launches.")
    scopes = doc.get("scopes_supported")
    variables = lti.get("variables")
    audience = doc.get("authorization_server")
    if isinstance(audience, str) and audience:
        _text("the authorization_server", audience, MAX_URL)
    family = lti.get("product_family_code")
    family_code = str(family) if family else str(urlsplit(issuer).hostname)
    _text("the product_family_code", family_code, MAX_NAME)
    return PlatformConfiguration(
        issuer=issuer,
        authorization_endpoint=str(doc["authorization_endpoint"]),
        token_endpoint=str(doc["token_endpoint"]),
        jwks_uri=str(doc["jwks_uri"]),
        registration_endpoint=str(doc["registration_endpoint"]),
        product_family_code=family_code,
        messages=messages,
        scopes=frozenset(s for s in scopes if isinstance(s, str))
        if isinstance(scopes, list)
        else None,
        variables=frozenset(v for v in variables if isinstance(v, str))
        if isinstance(variables, list)
        else frozenset(),
        token_audience=audience if isinstance(audience, str) and audience else None,
    )


def tool_name(settings: LtiSettings) -> str:
    """The name the LMS lists the tool under: the configured one, or
    "Leaderled (<host>)" so an admin can tell two instances apart."""
    if settings.tool_name:
        return settings.tool_name
    host = urlsplit(settings.public_url).hostname
    return f"{DEFAULT_NAME} ({host})" if host else DEFAULT_NAME


def tool_registration(settings: LtiSettings, platform: PlatformConfiguration) -> dict[str, Any]:
    """Our registration request (Dynamic Registration 1.0 section 3.5)."""
    launch = settings.url("/lti/launch")
    scopes = [s for s in WANTED_SCOPES if platform.scopes is None or s in platform.scopes]
    messages: list[dict[str, Any]] = [
        {"type": "LtiResourceLinkRequest", "target_link_uri": launch, "label": tool_name(settings)}
    ]
    if "LtiDeepLinkingRequest" in platform.messages:
        messages.append(
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": launch,
                "label": "Leaderled: choose what this link opens",
            }
        )
    tool_config: dict[str, Any] = {
        "domain": urlsplit(settings.public_url).netloc,
        "target_link_uri": launch,
        "description": "Record leader-led learning (coaching, knowledge sessions, "
        "train-the-trainer) as xAPI in your LRS.",
        "claims": list(WANTED_CLAIMS),
        "messages": messages,
    }
    if "User.username" in platform.variables:
        tool_config["custom_parameters"] = {"username": "$User.username"}
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": settings.url("/lti/login"),
        "redirect_uris": [launch],
        "client_name": tool_name(settings),
        "jwks_uri": settings.url("/lti/jwks"),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIG: tool_config,
    }


def check_registration_token(token: str | None) -> str | None:
    """The platform's registration token goes into an Authorization header:
    printable ASCII of a sane length, or a clear refusal."""
    if token is None:
        return None
    if len(token) > MAX_TOKEN or not REGISTRATION_TOKEN.fullmatch(token):
        raise RegistrationError(
            "The registration_token in the link is not a token the LMS issued (it must be at "
            f"most {MAX_TOKEN} printable ASCII characters). Start the registration again from "
            "the LMS."
        )
    return token


def register(
    http: OutboundClient,
    platform: PlatformConfiguration,
    body: dict[str, Any],
    registration_token: str | None,
) -> Registration:
    headers = {"Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = "Bearer " + registration_token
    endpoint = platform.registration_endpoint
    try:
        response = http.send(
            "POST", endpoint, headers=headers, json_body=body, max_body=MAX_DOCUMENT
        )
    except requests.RequestException as exc:
        log.info("registration endpoint %s not reached: %s", shown(endpoint), outbound.detail(exc))
        raise RegistrationError(
            f"Could not call the platform's registration endpoint {shown(endpoint)}: "
            f"{outbound.describe(exc)}."
        ) from exc
    answer = response.json()
    if not 200 <= response.status < 300:  # redirects are not followed: refused too
        why = answer.get("error_description") if isinstance(answer, dict) else None
        log.info(
            "registration refused by %s: HTTP %s %s",
            shown(endpoint),
            response.status,
            shown(why) if isinstance(why, str) else "",
        )
        raise RegistrationError(
            f"The platform refused the registration (HTTP {response.status}); the tool's log "
            "has the platform's reason. The registration link may have expired; start again "
            "from the LMS.",
            status=400,
        )
    if not isinstance(answer, dict) or not isinstance(answer.get("client_id"), str):
        raise RegistrationError("The platform accepted the registration but sent no client_id.")
    client_id = _text("the client_id", answer["client_id"], MAX_ID)
    tool_config = answer.get(TOOL_CONFIG)
    deployment = tool_config.get("deployment_id") if isinstance(tool_config, dict) else None
    deployment_id = (
        _text("the deployment_id", str(deployment), MAX_ID)
        if isinstance(deployment, str | int)
        and not isinstance(deployment, bool)
        and str(deployment) != ""
        else None
    )
    granted = answer.get("scope")
    return Registration(
        client_id=client_id,
        deployment_id=deployment_id,
        scopes=frozenset(granted.split()) if isinstance(granted, str) else frozenset(),
    )


def _platform_row(session: Session, platform: PlatformConfiguration) -> LtiPlatform:
    """The platform by issuer, created if new; a concurrent registration of the
    same new platform (two admins, one LMS) finds the row the other created."""
    query = select(LtiPlatform).where(LtiPlatform.issuer == platform.issuer)
    row = session.scalar(query)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = LtiPlatform(
                issuer=platform.issuer,
                name=platform.product_family_code,
                auth_login_url=platform.authorization_endpoint,
                token_url=platform.token_endpoint,
                token_audience=platform.token_audience,
                jwks_url=platform.jwks_uri,
            )
            session.add(row)
    except IntegrityError:
        row = session.scalar(query)
        if row is None:
            raise
    return row


def store(
    session: Session,
    platform: PlatformConfiguration,
    registration: Registration,
    *,
    auto_approve: bool,
    cap: int,
    ttl: int,
) -> tuple[LtiPlatform, LtiDeployment | None]:
    """Save platform, client and deployment; an existing platform keeps its
    endpoints. Serialised against other registrations, so ``cap`` pending
    registrations hold however many arrive at once: one that would go over
    it raises (the caller rolls back)."""
    pending.locked(session, ttl=ttl)
    before = pending.count(session)
    row, deployment = _store(session, platform, registration, auto_approve=auto_approve)
    session.flush()
    after = pending.count(session)
    if after > before and after > cap:
        raise RegistrationError(full_message(before, ttl), status=429)
    return row, deployment


def full_message(waiting: int, ttl: int) -> str:
    hours = max(1, round(ttl / 3600))
    return (
        f"{waiting} registrations are already waiting for approval, the most this tool takes. "
        "An L&D admin can remove them on Leaderled's registrations page or with "
        "`leaderled lti registrations purge --all` (`leaderled lti registrations list` shows "
        f"them); unapproved registrations are removed after {hours} hours anyway."
    )


def _store(
    session: Session,
    platform: PlatformConfiguration,
    registration: Registration,
    *,
    auto_approve: bool,
) -> tuple[LtiPlatform, LtiDeployment | None]:
    row = _platform_row(session, platform)
    if row.token_url is None:  # a platform added by hand without services learns them
        row.token_url = platform.token_endpoint
        row.token_audience = row.token_audience or platform.token_audience
    client = session.scalar(
        select(LtiClient).where(
            LtiClient.platform_id == row.id, LtiClient.client_id == registration.client_id
        )
    )
    if client is None:
        client = LtiClient(platform=row, client_id=registration.client_id, registered=True)
        session.add(client)
        session.flush()
    if registration.deployment_id is None:
        return row, None
    deployment = session.scalar(
        select(LtiDeployment).where(
            LtiDeployment.client_pk == client.id,
            LtiDeployment.deployment_id == registration.deployment_id,
        )
    )
    if deployment is None:
        active = auto_approve or row.auto_approve
        deployment = LtiDeployment(
            client=client,
            deployment_id=registration.deployment_id,
            status=DeploymentStatus.ACTIVE if active else DeploymentStatus.PENDING,
            approved_at=utcnow() if active else None,
        )
        session.add(deployment)
        session.flush()
    return row, deployment
