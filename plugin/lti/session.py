"""Server-side launch sessions and the cookies that point at them.

The browser keeps one small random token (cookie ``leaderled_launch``); the
launch data lives in ``lti_launch_session``. Tools run in LMS iframes, where
browsers treat our cookies as third-party, so cookies are ``SameSite=None;
Secure; Partitioned`` (CHIPS: kept per top-level site). Where even that is
refused, the login notices before the launch and offers "Open Leaderled in a
new window", which signs in again through the LMS (``plugin.views.lti``):
no session token ever travels from one window to another.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from plugin.lti.bounds import enforce_bound
from plugin.lti.nonces import digest
from plugin.lti.settings import LtiSettings
from plugin.models.lti import LtiLaunchSession

SESSION_COOKIE = "leaderled_launch"
BINDING_COOKIE = "leaderled_lti_login"
# Form field the platform-storage page posts the binding secret back in.
BINDING_FIELD = "lti_storage_binding"


@dataclass(frozen=True)
class NewSession:
    row: LtiLaunchSession
    token: str


def create_session(
    session: Session, row: LtiLaunchSession, *, now: int, settings: LtiSettings
) -> NewSession:
    """Store ``row`` (filled by the caller) under a fresh token."""
    enforce_bound(session, LtiLaunchSession, now=now, cap=settings.max_sessions)
    token = secrets.token_urlsafe(32)
    row.token_hash = digest(token)
    row.expires_at = now + settings.session_ttl
    session.add(row)
    return NewSession(row=row, token=token)


def find_session(session: Session, token: str | None, now: int) -> LtiLaunchSession | None:
    if not token or len(token) > 128:
        return None
    row = session.scalar(
        select(LtiLaunchSession).where(LtiLaunchSession.token_hash == digest(token))
    )
    if row is None or row.expires_at <= now:
        return None
    return row


def set_cookie(
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int,
    settings: LtiSettings,
    path: str = "/",
) -> None:
    """Set a cookie that survives inside a cross-site LMS iframe.

    ``SameSite=None`` requires ``Secure``; browsers accept Secure cookies from
    https and from http://localhost (a secure context), which is what the
    tests and the demo use. ``Partitioned`` keeps the cookie working where
    third-party cookies are blocked, scoped to the embedding site.
    """
    secure = settings.secure_cookies or request.is_secure
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
        partitioned=secure,
    )
