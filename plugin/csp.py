"""Security headers on every response, the Content-Security-Policy built from
one dict (DESIGN.md section 13: everything served by the app, no inline
script or style, so an injected ``<script>`` never runs).

Tools live in LMS iframes, so ``frame-ancestors`` is per request: pages of
a launch allow the origin of the LMS page that launched it (the LTI layer
calls :func:`frame_by` when it reads the launch), login and registration
pages the platform they belong to; every other page may be framed by no
one. A view that sends the browser's form to another site (the deep-linking
answer back to the LMS) adds that origin with :func:`allow`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import Flask, g
from werkzeug.wrappers import Response

POLICY: Mapping[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'",),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
    "base-uri": ("'none'",),
    "object-src": ("'none'",),
}
# Only origins may be added: scheme, host (name, IPv4 or [IPv6]) and port.
ORIGIN = re.compile(r"https?://(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")
REFERRER_POLICY = "same-origin"


def _extra() -> dict[str, list[str]]:
    found: dict[str, list[str]] | None = g.get("csp_extra")
    if found is None:
        found = {}
        g.csp_extra = found
    return found


def allow(directive: str, *origins: str | None) -> None:
    """Add ``origins`` to ``directive`` for this response; anything that is
    not a plain origin is ignored (it came from outside)."""
    if directive not in POLICY:
        raise ValueError(f"unknown CSP directive {directive}")
    sources = _extra().setdefault(directive, [])
    for origin in origins:
        if origin and ORIGIN.fullmatch(origin) and origin not in sources:
            sources.append(origin)


def frame_by(*origins: str | None) -> None:
    """Let these origins (and only these) frame this response."""
    allow("frame-ancestors", *origins)


def policy(extra: Mapping[str, list[str]] | None = None) -> str:
    """The header value: :data:`POLICY` plus this response's additions; an
    added frame ancestor replaces ``'none'``."""
    parts = []
    for directive, base in POLICY.items():
        added = list((extra or {}).get(directive, []))
        sources = list(base)
        if added and sources == ["'none'"]:
            sources = []
        parts.append(" ".join([directive, *sources, *added]))
    return "; ".join(parts)


def _headers(response: Response) -> Response:
    # A view may set a stricter policy of its own (an uploaded file is served
    # with ``default-src 'none'; sandbox``); every other response gets ours.
    response.headers.setdefault("Content-Security-Policy", policy(g.get("csp_extra")))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    # Pages carry personal data: never cached, unless a view said otherwise
    # (static files, the public key set).
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
