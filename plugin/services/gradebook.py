"""Queueing participation scores for the LMS gradebook (LTI AGS).

A link is "graded" when the teacher added it with a grade item: its launches
carry the AGS claim with that link's own ``lineitem`` and the score scope.
From such a launch, a learner's confirmation (or a leader's record of who
attended) queues a "completed, 1 of 1" score per learner, written in the
record's transaction and posted by the worker (``plugin.jobs.gradebook``).
A link to one knowledge session (picked by its record id) grades taking part
in that session only: an attendee's confirmation of it, not of another
record, and no attendance the leader records for a new session from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.lti.ags import AgsEndpoint
from plugin.lti.claims import course_link
from plugin.models.gradebook import GradebookPost
from plugin.models.lti import LtiDeployment, LtiLaunchSession
from plugin.models.people import PersonIdentifier
from plugin.services.outbox import now_ms


@dataclass(frozen=True)
class GradedLink:
    """Where scores for the link a launch came from go."""

    platform_id: int
    issuer: str
    client_id: str
    line_item: str
    #: The one record the link grades (the record it names), or None: any.
    record_id: int | None = None

    def grades(self, record_id: int) -> bool:
        return self.record_id is None or self.record_id == record_id


def graded_link(session: Session, launch: LtiLaunchSession) -> GradedLink | None:
    """The launch's graded link, or None when the teacher asked for no grade."""
    endpoint = AgsEndpoint.from_claims(launch.claims)
    if endpoint is None or endpoint.lineitem is None or not endpoint.can_score:
        return None
    deployment = session.get(LtiDeployment, launch.deployment_pk)
    if deployment is None:
        return None
    platform = deployment.client.platform
    opens, record_id = course_link(launch.claims)
    if opens != "knowledge-session":
        record_id = None  # a link to the learning record, a team, ...: any record
    return GradedLink(
        platform.id, platform.issuer, deployment.client.client_id, endpoint.lineitem, record_id
    )


def lms_user_ids(session: Session, issuer: str, person_ids: Iterable[int]) -> dict[int, str]:
    """Each person's user id on the platform ``issuer`` (from their account identifier)."""
    prefix = f"account {issuer} "
    wanted = set(person_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(PersonIdentifier.person_id, PersonIdentifier.key).where(
            PersonIdentifier.person_id.in_(wanted),
            PersonIdentifier.kind == "account",
            PersonIdentifier.key.startswith(prefix, autoescape=True),
        )
    )
    return {person_id: key[len(prefix) :] for person_id, key in rows}


def queue_scores(
    session: Session,
    link: GradedLink,
    users: Mapping[int, str],
    *,
    record_id: int,
    occurred_at: datetime,
) -> int:
    """Queue one score per person (their LMS user id in ``users``); a user
    already queued for this record is skipped."""
    wanted = set(users.values())
    if not wanted:
        return 0
    queued = set(
        session.scalars(
            select(GradebookPost.user_id).where(
                GradebookPost.line_item == link.line_item,
                GradebookPost.record_id == record_id,
                GradebookPost.user_id.in_(wanted),
            )
        )
    )
    due = now_ms()
    new = sorted(
        (user_id, person_id) for person_id, user_id in users.items() if user_id not in queued
    )
    session.add_all(
        GradebookPost(
            platform_id=link.platform_id,
            client_id=link.client_id,
            line_item=link.line_item,
            person_id=person_id,
            user_id=user_id,
            record_id=record_id,
            occurred_at=occurred_at,
            due_ms=due,
        )
        for user_id, person_id in new
    )
    return len(new)


def queue_for_people(
    session: Session,
    link: GradedLink | None,
    person_ids: Iterable[int],
    *,
    record_id: int,
    occurred_at: datetime,
) -> int:
    """Queue scores for these people on the link, if it is graded and grades
    ``record_id`` (0 otherwise)."""
    if link is None or not link.grades(record_id):
        return 0
    users = lms_user_ids(session, link.issuer, person_ids)
    return queue_scores(session, link, users, record_id=record_id, occurred_at=occurred_at)
