"""Which sites may show a page of the tool in a frame (CSP ``frame-ancestors``).

A launch's pages may be framed by the LMS page that posted the launch: its
``Origin`` header, which the browser sets and no page script can forge.
Pages before a launch (the login's cookie check, a refused launch) belong
to the platform named in the request: its issuer and sign-in origins, and
the page that sent the browser here. Nothing on those pages acts for a
signed-in person, so framing them gains an attacker nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from plugin import csp
from plugin.models.lti import LtiPlatform

MAX_ORIGIN = 255


def origin_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, or None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    # Stored with a launch session (a 255-character column).
    return origin if len(origin) <= MAX_ORIGIN and csp.ORIGIN.fullmatch(origin) else None


def sending_origin() -> str | None:
    """The origin of the page that sent this request: ``Origin`` (form posts),
    else the ``Referer``'s origin."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin_of(origin)
    return origin_of(request.headers.get("Referer"))


def platform_origins(platform: LtiPlatform) -> list[str]:
    found = [origin_of(platform.issuer), origin_of(platform.auth_login_url)]
    return [o for o in found if o]


def frame_by_platform(platform: LtiPlatform | None) -> None:
    """Before a launch: the platform's own origins and the sending page."""
    if platform is not None:
        csp.frame_by(*platform_origins(platform))
    csp.frame_by(sending_origin())
