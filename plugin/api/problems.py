"""Errors as RFC 9457 problem details (``application/problem+json``).

A refusal from a service keeps its words; an ``Invalid`` carries one entry
per field in ``errors`` (``field`` and ``detail``), the same messages the
pages show next to their fields. Schema errors from the request parser come
out the same way, so a client handles one shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from http import HTTPStatus
from typing import Any

from flask import Response
from werkzeug.exceptions import HTTPException

from plugin.i18n import _
from plugin.services.errors import Invalid, ServiceError

PROBLEM_JSON = "application/problem+json"
#: ``type`` URIs name the kind of problem; "about:blank" means "see the status".
TYPE_INVALID = "https://leaderled.org/problems/invalid-input"


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    type_: str = "about:blank",
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_errors(errors: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"field": field, "detail": message} for field, message in errors.items()]


def from_service(error: ServiceError) -> Response:
    if isinstance(error, Invalid):
        return problem(
            422,
            _("Some values were refused; see errors."),
            type_=TYPE_INVALID,
            errors=field_errors(error.errors),
        )
    return problem(error.status, error.message)


def _flatten(messages: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """webargs/marshmallow messages ({"json": {"people": {0: ["..."]}}}) as (field, text)."""
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            yield from _flatten(value, name)
    elif isinstance(messages, list | tuple):
        texts = [m for m in messages if isinstance(m, str)]
        if texts:
            yield prefix, " ".join(texts)
        for item in messages:
            if not isinstance(item, str):
                yield from _flatten(item, prefix)
    else:
        yield prefix, str(messages)


def _without_location(field: str) -> str:
    location, _sep, rest = field.partition(".")
    return rest if location in {"json", "query", "headers", "path", "view_args"} and rest else field


def from_http(error: HTTPException) -> Response:
    code = error.code or 500
    data = getattr(error, "data", None)
    messages = data.get("messages") if isinstance(data, Mapping) else None
    if messages:
        errors: dict[str, str] = {}
        for field, text in _flatten(messages):
            errors.setdefault(_without_location(field), text)
        return problem(
            422 if code == 422 else code,
            _("Some values were refused; see errors."),
            type_=TYPE_INVALID,
            errors=field_errors(errors),
        )
    headers = dict(getattr(error, "headers", None) or {})
    retry = None
    if error.response is not None:
        retry = error.response.headers.get("Retry-After")
    if retry:
        headers["Retry-After"] = retry
    detail = error.description or HTTPStatus(code).phrase
    if code == 429:
        detail = _("Too many requests for this token; wait and try again.")
    return problem(code, detail, headers=headers)
