"""``Idempotency-Key``: a retried write gets the first answer, never a second record.

The key's row is inserted in the same transaction as the record it
answers, under a unique constraint (token, key). Two copies of a request
racing each other therefore cannot both commit: the second blocks on the
constraint until the first commits, fails, and answers with the stored
response. The same key with another request is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plugin.api.auth import grant
from plugin.api.problems import TYPE_INVALID, from_service, problem
from plugin.db import db_session
from plugin.i18n import _
from plugin.models.api import IdempotentRequest
from plugin.services.errors import ServiceError

HEADER = "Idempotency-Key"
MAX_KEY = 255
#: The header as every write operation documents it.
PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "Any unique string (a UUID): a retry with the same key and body "
    "gets the first answer and records nothing more.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
}

Work = Callable[[Session], Response]


def _request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.full_path.encode("utf-8", "replace") + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _find(session: Session, token_id: int, key: str) -> IdempotentRequest | None:
    return session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.token_id == token_id, IdempotentRequest.key == key
        )
    )


def _replay(found: IdempotentRequest, request_hash: str) -> Response:
    if found.request_hash != request_hash:
        return problem(
            422,
            _("This Idempotency-Key was already used for another request; use a new key."),
            type_=TYPE_INVALID,
            errors=[{"field": HEADER, "detail": _("Already used for another request.")}],
        )
    response = Response(found.body, status=found.status, content_type="application/json")
    if found.location:
        response.headers["Location"] = found.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _bad_key(key: str) -> bool:
    return not 1 <= len(key) <= MAX_KEY or not all(32 < ord(ch) < 127 for ch in key)


def run_write(work: Work) -> Response:
    """Run ``work`` (which stores and returns the answer, uncommitted) once per key."""
    session = db_session()
    key = request.headers.get(HEADER)
    if key is None:
        try:
            response = work(session)
            session.commit()
        except ServiceError as error:
            session.rollback()
            return from_service(error)
        return response
    if _bad_key(key):
        return problem(
            422,
            _("The Idempotency-Key must be 1 to 255 visible ASCII characters."),
            type_=TYPE_INVALID,
            errors=[{"field": HEADER, "detail": _("Use 1 to 255 visible ASCII characters.")}],
        )
    token_id = grant().token_id
    request_hash = _request_hash()
    found = _find(session, token_id, key)
    if found is not None:
        return _replay(found, request_hash)
    entry = IdempotentRequest(
        token_id=token_id, key=key, request_hash=request_hash, status=0, body=""
    )
    try:
        session.add(entry)
        session.flush()  # waits here while a twin request holds the same key
        response = work(session)
        entry.status = response.status_code
        entry.body = response.get_data(as_text=True)
        entry.location = response.headers.get("Location")
        session.commit()
    except ServiceError as error:
        session.rollback()  # a refusal stores nothing, not even the key
        return from_service(error)
    except IntegrityError:
        session.rollback()
        found = _find(session, token_id, key)
        if found is None:
            raise
        return _replay(found, request_hash)
    return response
