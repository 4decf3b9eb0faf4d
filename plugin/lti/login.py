"""OIDC login initiation: the first leg of every launch.

Checks that the platform and client are registered and that
``target_link_uri`` is one of our own URLs (no open redirect), then issues a
single-use state and nonce bound to this browser and sends the browser to
the platform's authorization endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.lti import nonces
from plugin.lti.errors import LaunchForbidden, LtiError, shown
from plugin.lti.settings import LtiSettings
from plugin.models.lti import DeploymentStatus, LtiClient, LtiDeployment, LtiPlatform

LAUNCH_PATH = "/lti/launch"
# Echoed into the redirect URL; real platforms send a short opaque id.
MAX_MESSAGE_HINT = 2048
# Stored with the login state (a 1024-character column).
MAX_TARGET_LINK_URI = 1024
# A window or frame name such as "_parent" (LTI platform storage).
STORAGE_TARGET = re.compile(r"[\w.-]{1,64}", re.ASCII)


# The login parameters a new window posts again (LTI 1.3 section 5.1.1).
RESENT_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
)


@dataclass(frozen=True)
class LoginRedirect:
    """Where to send the browser, what to bind to it, and what a new window
    needs to start the same login again (first-party)."""

    url: str
    issued: nonces.IssuedLogin
    storage_target: str | None
    platform_origin: str
    platform: LtiPlatform
    resend: dict[str, str]


def _param(params: Mapping[str, str], name: str) -> str:
    value = params.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def resolve_client(session: Session, platform: LtiPlatform, client_id: str) -> str:
    clients = list(session.scalars(select(LtiClient).where(LtiClient.platform_id == platform.id)))
    if client_id:
        if not any(c.client_id == client_id for c in clients):
            raise LaunchForbidden(
                f"Client id '{shown(client_id)}' is not registered for platform "
                f"'{platform.issuer}'. Check the client id in the tool registration."
            )
        return client_id
    if len(clients) == 1:
        return clients[0].client_id
    raise LtiError(
        f"Platform '{platform.issuer}' has several client ids registered here but the login "
        "request names none. Configure the platform to send client_id."
    )


def check_approved(session: Session, platform: LtiPlatform, client_id: str) -> None:
    """A login may only go on to a platform an L&D admin approved: at least one
    active deployment of this client, or a platform set to auto-approve. Anyone
    can register a platform of their own making by dynamic registration; until
    it is approved the tool must not send browsers to its authorization
    endpoint (an open redirect) nor fetch its keys."""
    if platform.auto_approve:
        return
    statuses = list(
        session.scalars(
            select(LtiDeployment.status)
            .join(LtiClient, LtiDeployment.client_pk == LtiClient.id)
            .where(LtiClient.platform_id == platform.id, LtiClient.client_id == client_id)
        )
    )
    if DeploymentStatus.ACTIVE in statuses:
        return
    if statuses:
        raise LaunchForbidden(
            f"The registration of platform '{shown(platform.issuer)}' (client id "
            f"'{shown(client_id)}') is waiting for approval. An L&D admin can approve it in "
            "the tool or with `leaderled lti platform approve <issuer> <deployment id>` "
            "(`leaderled lti platform list` shows them)."
        )
    raise LaunchForbidden(
        f"The registration of platform '{shown(platform.issuer)}' (client id "
        f"'{shown(client_id)}') has no deployment. An L&D admin can add one with "
        "`leaderled lti platform add`, or register the tool again from the LMS."
    )


def start_login(
    session: Session,
    params: Mapping[str, str],
    *,
    settings: LtiSettings,
    now: int,
    binding: str | None = None,
) -> LoginRedirect:
    if any(isinstance(v, str) and "\x00" in v for v in params.values()):
        raise LtiError(
            "The login request contains a NUL character; the platform's launch link looks "
            "corrupted. Start the launch again from the course page."
        )
    iss = _param(params, "iss")
    login_hint = _param(params, "login_hint")
    target = _param(params, "target_link_uri")
    if not iss:
        raise LtiError("The login request has no 'iss' (issuer). Check the platform's tool URL.")
    if not login_hint:
        raise LtiError("The login request has no 'login_hint'.")
    if len(login_hint) > MAX_MESSAGE_HINT:
        raise LtiError(
            f"The login request's login_hint is too long (over {MAX_MESSAGE_HINT} characters); "
            "the platform's launch link looks corrupted."
        )
    if len(target) > MAX_TARGET_LINK_URI:
        raise LtiError(
            f"The login request's target_link_uri is too long (over {MAX_TARGET_LINK_URI} "
            "characters). Set the tool URL in the platform to a Leaderled URL."
        )
    if not target or not settings.is_own_url(target):
        raise LtiError(
            f"The login request's target_link_uri '{shown(target)}' is not a URL of this tool "
            f"({settings.public_url}). Set the tool URL in the platform to a Leaderled URL."
        )
    message_hint = _param(params, "lti_message_hint")
    if len(message_hint) > MAX_MESSAGE_HINT:
        raise LtiError(
            f"The login request's lti_message_hint is too long (over {MAX_MESSAGE_HINT} "
            "characters); the platform's launch link looks corrupted."
        )
    platform = session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == iss))
    if platform is None:
        raise LaunchForbidden(
            f"No platform with issuer '{shown(iss)}' is registered with this tool. Register it by "
            "dynamic registration or with `leaderled lti platform add`."
        )
    client_id = resolve_client(session, platform, _param(params, "client_id"))
    check_approved(session, platform, client_id)
    storage_target = _param(params, "lti_storage_target") or None
    if storage_target is not None and not STORAGE_TARGET.fullmatch(storage_target):
        raise LtiError(
            f"The login request's lti_storage_target '{shown(storage_target)}' is not a frame "
            "name (at most 64 letters, digits, '_', '.' or '-'). Check the platform's "
            "platform-storage support."
        )
    issued = nonces.issue_login(
        session,
        issuer=iss,
        client_id=client_id,
        target_link_uri=target,
        storage_target=storage_target,
        now=now,
        ttl=settings.login_state_ttl,
        cap=settings.max_login_states,
        binding=binding,
    )
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": client_id,
        "redirect_uri": settings.url(LAUNCH_PATH),
        "login_hint": login_hint,
        "state": issued.state,
        "nonce": issued.nonce,
    }
    if message_hint:
        query["lti_message_hint"] = message_hint
    separator = "&" if urlsplit(platform.auth_login_url).query else "?"
    auth = urlsplit(platform.auth_login_url)
    return LoginRedirect(
        url=platform.auth_login_url + separator + urlencode(query),
        issued=issued,
        storage_target=storage_target,
        platform_origin=f"{auth.scheme}://{auth.netloc}",
        platform=platform,
        resend={
            name: _param(params, name)
            for name in RESENT_PARAMS
            if 0 < len(_param(params, name)) <= MAX_MESSAGE_HINT
        },
    )
