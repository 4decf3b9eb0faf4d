"""Who looked at whose record (DESIGN section 9): every view of another
person's record or learning record is logged with who, whose and when.

Pages call :func:`log_views` once per view (one insert for everyone the page
names); the JSON API calls it with ``via=AccessVia.API``. A person reads
their own entries (:func:`views_of`); L&D admins read them all
(:func:`log_page`). Retention removes old entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from plugin.models.api import TokenKind
from plugin.models.people import Person
from plugin.models.privacy import AccessKind, AccessLogEntry, AccessVia
from plugin.services.people import Actor

PAGE_SIZE = 50


def log_views(
    session: Session,
    viewer: Actor | None,
    subjects: Iterable[int],
    what: AccessKind,
    *,
    record_id: int | None = None,
    via: AccessVia = AccessVia.PAGE,
    now: datetime | None = None,
) -> int:
    """Log that ``viewer`` saw the data of each of ``subjects`` (themselves
    excepted); ``viewer`` None is an operator at the command line."""
    own = viewer.person_id if viewer is not None else None
    role = viewer.role.value if viewer is not None else "cli"
    return _log(session, own, role, subjects, what, record_id=record_id, via=via, now=now)


def log_token_views(
    session: Session,
    token: TokenKind,
    person_id: int | None,
    subjects: Iterable[int],
    what: AccessKind,
    *,
    record_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """:func:`log_views` for a read through the API. ``person_id`` is who
    answers for the token: its person (a personal token) or the L&D admin
    who created it (a service token, read by an HR system or a script)."""
    role = f"{token.value}_token"  # "personal_token", "service_token"
    return _log(
        session, person_id, role, subjects, what, record_id=record_id, via=AccessVia.API, now=now
    )


def _log(
    session: Session,
    own: int | None,
    role: str,
    subjects: Iterable[int],
    what: AccessKind,
    *,
    record_id: int | None,
    via: AccessVia,
    now: datetime | None,
) -> int:
    at = now or datetime.now(UTC)
    rows = [
        AccessLogEntry(
            at=at,
            viewer_id=own,
            viewer_role=role,
            subject_id=subject,
            what=what,
            record_id=record_id,
            via=via,
        )
        for subject in sorted(set(subjects))
        if subject != own
    ]
    session.add_all(rows)
    return len(rows)


@dataclass(frozen=True)
class View:
    entry: AccessLogEntry
    viewer: Person | None
    subject: Person | None


@dataclass(frozen=True)
class LogPage:
    views: list[View]
    total: int
    page: int
    pages: int


def log_page(
    session: Session, *, subject_id: int | None = None, page: int = 1, size: int = PAGE_SIZE
) -> LogPage:
    """A page of the log, newest first; only one person's entries with ``subject_id``."""
    viewer = aliased(Person)
    subject = aliased(Person)
    query = (
        select(AccessLogEntry, viewer, subject)
        .outerjoin(viewer, viewer.id == AccessLogEntry.viewer_id)
        .outerjoin(subject, subject.id == AccessLogEntry.subject_id)
    )
    counted = select(func.count()).select_from(AccessLogEntry)
    if subject_id is not None:
        query = query.where(AccessLogEntry.subject_id == subject_id)
        counted = counted.where(AccessLogEntry.subject_id == subject_id)
    total = int(session.scalar(counted) or 0)
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    rows = session.execute(
        query.order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    return LogPage([View(e, v, s) for e, v, s in rows], total, page, pages)


def views_of(session: Session, person_id: int, *, limit: int = 10) -> Sequence[View]:
    """The latest views of this person's data, newest first."""
    return log_page(session, subject_id=person_id, size=limit).views
