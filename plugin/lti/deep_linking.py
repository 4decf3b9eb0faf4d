"""LTI Deep Linking 2.0: a teacher picks what the course link opens.

:func:`start` is called by the launch view for a validated
``LtiDeepLinkingRequest``: it shows the choices (record coaching, my learning
record, team view, a knowledge session, a piece of training material). The
form carries the request's settings in a signed, short-lived token bound to
the launch session, which is what protects it against cross-site posts:
Flask's own session cookie does not survive inside the LMS's frame, the
launch cookie (``SameSite=None; Partitioned``) does. :func:`respond` turns the
choice into a signed ``LtiDeepLinkingResponse`` that the browser posts back
to the platform's ``deep_link_return_url``, echoing ``data``.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt
from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from plugin import csp
from plugin.db import db_session
from plugin.i18n import _, lazy
from plugin.lti import claims as c
from plugin.lti.access import current_launch
from plugin.lti.errors import LtiError
from plugin.lti.framing import origin_of
from plugin.lti.keys import SigningKey
from plugin.lti.settings import lti_settings
from plugin.lti.validation import ValidatedLaunch
from plugin.models.records import LeaderLedRecord, RecordKind, RecordState

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RESPONSE_MESSAGE = "LtiDeepLinkingResponse"
FORM_TTL = 900
RESPONSE_TTL = 600
SALT = "leaderled.deep-linking"
PARTICIPATION_TAG = "leaderled-participation"


@dataclass(frozen=True)
class Choice:
    """A destination; ``title`` and ``text`` are lazy strings, in the teacher's
    language on the picker and in the link added to the course."""

    key: str
    title: Any
    text: Any
    needs_reference: bool = False


CHOICES = (
    Choice(
        "record-coaching",
        lazy("Record coaching"),
        lazy("Leaders record a coaching or mentoring moment."),
    ),
    Choice(
        "my-record",
        lazy("My learning record"),
        lazy("Formal courses and leader-led learning together."),
    ),
    Choice(
        "team",
        lazy("Team view"),
        lazy("How the team learns: sessions, coaching, the 70-20-10 mix."),
    ),
    Choice(
        "knowledge-session",
        lazy("Knowledge session"),
        lazy("One knowledge session: attendees confirm and rate it."),
        needs_reference=True,
    ),
    Choice(
        "training-material",
        lazy("Training material"),
        lazy("One piece of training material and who used it."),
        needs_reference=True,
    ),
)
CHOICE_BY_KEY = {choice.key: choice for choice in CHOICES}


class DeepLinkingError(LtiError):
    """A deep-linking form we refuse; the message is shown as is."""


class FieldError(DeepLinkingError):
    """One field of the choice form is wrong: the form is shown again with
    the message next to that field (GOV.UK's error pattern)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def request_context(launch: ValidatedLaunch, session_id: int | None) -> dict[str, Any]:
    """What the response must echo and where it goes, taken from the verified claims."""
    settings = launch.claims.get(c.DEEP_LINKING_SETTINGS)
    if not isinstance(settings, dict) or not isinstance(settings.get("deep_link_return_url"), str):
        raise DeepLinkingError(
            "The deep-linking request has no deep_link_return_url, so there is nowhere to send "
            "the chosen link. Check the platform's deep-linking support."
        )
    if origin_of(settings["deep_link_return_url"]) is None:
        raise DeepLinkingError("The deep_link_return_url is not an http(s) URL.")
    accept_types = settings.get("accept_types")
    if isinstance(accept_types, list) and "ltiResourceLink" not in accept_types:
        raise DeepLinkingError(
            "The platform asked for content types Leaderled does not offer "
            f"({', '.join(map(str, accept_types))}); it offers LTI resource links."
        )
    return {
        "session": session_id,
        "issuer": launch.platform.issuer,
        "client_id": launch.client.client_id,
        "deployment_id": launch.deployment.deployment_id,
        "return_url": settings["deep_link_return_url"],
        "data": settings.get("data") if isinstance(settings.get("data"), str) else None,
        "accept_lineitem": settings.get("accept_lineitem") is not False,
        "context_title": str(launch.context.get("title") or ""),
    }


def start(launch: ValidatedLaunch) -> tuple[str, int] | str:
    """The picker page for a validated deep-linking launch."""
    row = current_launch()
    try:
        context = request_context(launch, row.id if row is not None else None)
    except DeepLinkingError as error:
        return render_template(
            "error.html", code=error.status, title=_("Deep linking refused"), message=error.message
        ), error.status
    return picker(_serializer().dumps(context), context)


def picker(
    token: str,
    context: dict[str, Any],
    *,
    values: dict[str, str] | None = None,
    error: FieldError | None = None,
) -> str:
    """The choice form; again with the person's values and the error when
    a field was wrong."""
    row = current_launch()
    return render_template(
        "lti/deep_linking.html",
        choices=CHOICES,
        token=token,
        offer_line_item=context["accept_lineitem"],
        context_title=context["context_title"],
        suggestions=_suggestions(row.team_id if row is not None else None),
        values=values or {},
        errors={error.field: error.message} if error is not None else {},
    )


SUGGESTED_KINDS = (
    RecordKind.KNOWLEDGE_SESSION,
    RecordKind.MATERIAL_USED,
    RecordKind.MATERIAL_SHARED,
)


def _suggestions(team_id: int | None, limit: int = 50) -> list[tuple[str, str]]:
    """(reference, label) of the course's recent knowledge sessions and materials."""
    if team_id is None:
        return []
    query = (
        select(LeaderLedRecord.id, LeaderLedRecord.kind, LeaderLedRecord.title)
        .where(
            LeaderLedRecord.team_id == team_id,
            LeaderLedRecord.state == RecordState.ACTIVE,
            LeaderLedRecord.kind.in_(SUGGESTED_KINDS),
        )
        .order_by(LeaderLedRecord.occurred_at.desc())
        .limit(limit)
    )
    return [
        (str(record_id), f"{title or 'untitled'} ({kind.value.replace('_', ' ')})")
        for record_id, kind, title in db_session().execute(query)
    ]


def load_context(token: str, session_id: int | None) -> dict[str, Any]:
    try:
        context: dict[str, Any] = _serializer().loads(token, max_age=FORM_TTL)
    except SignatureExpired as exc:
        raise DeepLinkingError(
            "This choice form has expired. Open the deep-linking dialog in the LMS again."
        ) from exc
    except BadSignature as exc:
        raise DeepLinkingError("This choice form was not issued by Leaderled.") from exc
    if context.get("session") is None or context["session"] != session_id:
        raise DeepLinkingError(
            "This choice form belongs to another launch. Open the deep-linking dialog in the "
            "LMS again.",
            status=403,
        )
    return context


def content_item(
    choice_key: str, *, title: str, reference: str, line_item: bool, launch_url: str
) -> dict[str, Any]:
    """One ``ltiResourceLink`` whose custom parameters say what the link opens."""
    choice = CHOICE_BY_KEY.get(choice_key)
    if choice is None:
        raise FieldError("choice", _("Pick one of the offered destinations."))
    reference = reference.strip()
    if choice.needs_reference and not reference:
        raise FieldError(
            "reference",
            _("Say which %(what)s the link opens.", what=str(choice.title).lower()),
        )
    if len(reference) > 255:
        raise FieldError("reference", _("The reference is limited to 255 characters."))
    if len(title) > 255:
        raise FieldError("title", _("The link title is limited to 255 characters."))
    custom = {"leaderled_open": choice.key}
    if choice.needs_reference:
        custom["leaderled_ref"] = reference
    item: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": title.strip() or str(choice.title),
        "text": str(choice.text),
        "url": launch_url,
        "custom": custom,
    }
    if line_item:
        item["lineItem"] = {
            "scoreMaximum": 1,
            "label": item["title"],
            "resourceId": choice.key + (":" + reference if reference else ""),
            "tag": PARTICIPATION_TAG,
        }
    return item


def response_token(
    context: dict[str, Any], items: list[dict[str, Any]], key: SigningKey, *, now: int | None = None
) -> str:
    """The signed ``LtiDeepLinkingResponse`` (Deep Linking 2.0 section 4.2)."""
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": context["client_id"],
        "aud": context["issuer"],
        "iat": issued,
        "exp": issued + RESPONSE_TTL,
        "nonce": secrets.token_urlsafe(16),
        c.DEPLOYMENT_ID: context["deployment_id"],
        c.MESSAGE_TYPE: RESPONSE_MESSAGE,
        c.VERSION: c.LTI_VERSION,
        DL + "content_items": items,
        DL + "msg": f"Leaderled link added: {', '.join(i['title'] for i in items)}",
    }
    if context.get("data") is not None:
        claims[DL + "data"] = context["data"]
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})


def respond(form: dict[str, str], session_id: int | None, key: SigningKey) -> str | tuple[str, int]:
    """The auto-posting page that hands the signed response to the platform,
    or the form again (HTTP 400) with the message next to the wrong field."""
    token = form.get("token", "")
    context = load_context(token, session_id)
    try:
        item = content_item(
            form.get("choice", ""),
            title=form.get("title", ""),
            reference=form.get("reference", ""),
            line_item=bool(form.get("line_item")) and bool(context["accept_lineitem"]),
            launch_url=lti_settings().url("/lti/launch"),
        )
    except FieldError as error:
        return picker(token, context, values=form, error=error), 400
    csp.allow("form-action", origin_of(context["return_url"]))
    return render_template(
        "lti/deep_linking_return.html",
        return_url=context["return_url"],
        jwt=response_token(context, [item], key),
        title=item["title"],
    )
