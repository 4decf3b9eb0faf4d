"""Serves our xAPI Profile at its own IRI, so the IRIs we mint resolve.

The profile document answers at ``/xapi/profile`` and at its version IRI;
each concept, template and pattern answers at its own IRI with its JSON-LD,
but only when the configured base is this app's own ``/xapi``: IRIs minted
under another host cannot be ours to serve.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, current_app

from statements.profile import build_profile, find_component
from statements.vocabulary import PROFILE_VERSION

PREFIX = "/xapi"
bp = Blueprint("profile", __name__, url_prefix=PREFIX)


def _profile_base() -> str:
    base: str = current_app.config["LEADERLED"].resolved_profile_base
    return base


def _served_base() -> str:
    """The base whose IRIs this app answers: its public URL plus ``/xapi``."""
    public: str = current_app.config["LEADERLED"].public_url
    return public.rstrip("/") + PREFIX


def _json_ld(document: dict[str, Any]) -> Response:
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        mimetype="application/ld+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@bp.get("/profile")
def profile() -> Response:
    return _json_ld(build_profile(_profile_base()))


@bp.get(f"/profile/{PROFILE_VERSION}")
def profile_version() -> Response:
    """The version IRI resolves to the document of that version."""
    return _json_ld(build_profile(_profile_base()))


@bp.get("/<path:rest>")
def component(rest: str) -> Response:
    base = _profile_base()
    if base != _served_base():
        abort(
            404,
            description=f"This app's profile base is {base}, which another server hosts; "
            f"only IRIs under {_served_base()} resolve here.",
        )
    found = find_component(build_profile(base), f"{base}/{rest}")
    if found is None:
        abort(
            404,
            description=f"{base}/{rest} is not a concept, template or pattern of the "
            f"Leaderled profile ({base}/profile).",
        )
    return _json_ld(found)
