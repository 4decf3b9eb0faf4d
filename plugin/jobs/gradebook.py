"""Posting queued participation scores to LMS gradebooks (LTI AGS).

Runs in the worker next to delivery. A post that fails (the LMS is down, a
token is refused) is retried with backoff, so an LMS outage only delays the
score; after many failed attempts the row is marked failed with the LMS's
reason, for an admin to see. Scores are "last one wins" in AGS, so posting
one twice after a crash is harmless.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select, update

from plugin.config import Settings
from plugin.db import get_db
from plugin.lti.ags import Score
from plugin.lti.service_clients import clients, service_access
from plugin.lti.service_token import LtiServiceError
from plugin.models.gradebook import GradebookPost, PostState
from plugin.models.lti import LtiPlatform
from plugin.services.outbox import now_ms

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GradebookOptions:
    batch_size: int = 50
    lease_seconds: int = 120
    max_attempts: int = 20
    max_backoff_seconds: int = 3600


def backoff_seconds(attempts: int, options: GradebookOptions) -> int:
    return int(min(options.max_backoff_seconds, 5 * 2 ** min(attempts, 20)))


class GradebookSender:
    """Claims due posts, sends each score, settles the row."""

    def __init__(self, app: Flask, options: GradebookOptions | None = None) -> None:
        self.app = app
        self.options = options or GradebookOptions()

    def _claim(self) -> list[int]:
        database = get_db(self.app)
        now = now_ms()
        with database.session_scope() as session:
            query = (
                select(GradebookPost.id)
                .where(GradebookPost.state == PostState.PENDING, GradebookPost.due_ms <= now)
                .order_by(GradebookPost.due_ms, GradebookPost.id)
                .limit(self.options.batch_size)
            )
            if not database.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            ids = list(session.scalars(query))
            if ids:  # a lease: another worker leaves them alone until it expires
                session.execute(
                    update(GradebookPost)
                    .where(GradebookPost.id.in_(ids))
                    .values(due_ms=now + self.options.lease_seconds * 1000)
                )
        return ids

    def run_once(self) -> int:
        """Post what is due; returns how many scores reached a gradebook."""
        posted = 0
        with self.app.app_context():
            for post_id in self._claim():
                posted += self._post(post_id)
        return posted

    def _post(self, post_id: int) -> int:
        with get_db(self.app).session_scope() as session:
            row = session.get_one(GradebookPost, post_id)
            platform = session.get_one(LtiPlatform, row.platform_id)
            try:
                access = service_access(platform, row.client_id)
                score = Score(
                    user_id=row.user_id,
                    score_given=1,
                    score_maximum=1,
                    timestamp=row.occurred_at.replace(tzinfo=row.occurred_at.tzinfo or UTC),
                )
                clients(self.app).ags.post_score(access, row.line_item, score)
            except LtiServiceError as error:
                row.attempts += 1
                row.last_error = str(error)[:2000]
                if row.attempts >= self.options.max_attempts:
                    row.state = PostState.FAILED
                    log.warning("gradebook post %s failed for good: %s", row.id, error)
                else:
                    row.due_ms = now_ms() + backoff_seconds(row.attempts, self.options) * 1000
                    log.info("gradebook post %s will be retried: %s", row.id, error)
                return 0
            row.state = PostState.POSTED
            row.posted_at = datetime.now(UTC)
            row.last_error = None
            return 1


def gradebook_loop(
    settings: Settings, stop: threading.Event, *, interval: float, once: bool = False
) -> int:
    """Post due scores every ``interval`` seconds until ``stop``; returns how many posted.

    The LTI service calls need the tool's app (its signing key, its token
    cache), so this loop builds one from the worker's settings.
    """
    from plugin.app import create_app

    app = create_app(asdict(settings))
    sender = GradebookSender(app)
    posted = 0
    try:
        while not stop.is_set():
            try:
                posted += sender.run_once()
            except Exception as error:  # the next pass retries; rows keep their state
                log.warning("gradebook pass failed: %s", error)
            if once:
                break
            stop.wait(interval)
    finally:
        get_db(app).dispose()
    return posted
