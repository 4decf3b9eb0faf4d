"""Where a course link opens: the ``leaderled_open`` and ``leaderled_ref``
custom parameters a teacher chose in the deep-linking picker, checked
against what this launch may see (an id in a link is a hint, not a right)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from plugin.db import db_session
from plugin.lti.claims import course_link
from plugin.models.lti import LtiLaunchSession
from plugin.models.people import Role
from plugin.models.records import LeaderLedRecord, RecordParticipant


def target_url(launch: LtiLaunchSession) -> str | None:
    """The URL the link names for this person, or None for the launch page."""
    opens, record_id = course_link(launch.claims)
    role = launch.role
    if opens == "record-coaching" and role is Role.LEADER:
        return url_for("leader.new_moment")
    if opens == "my-record":
        return url_for("learner.record")
    if opens == "team" and role is Role.LEADER:
        return url_for("leader.home")
    if opens == "knowledge-session":
        return _session_url(launch, record_id)
    return None


def _session_url(launch: LtiLaunchSession, record_id: int | None) -> str | None:
    if record_id is None:
        return None
    session = db_session()
    row = session.get(LeaderLedRecord, record_id)
    if row is None:
        return None
    if row.leader_id == launch.person_id:
        return url_for("leader.record", record_id=row.id)
    took_part = session.scalar(
        select(RecordParticipant.id).where(
            RecordParticipant.record_id == row.id,
            RecordParticipant.person_id == launch.person_id,
        )
    )
    return url_for("learner.confirm", record_id=row.id) if took_part else None
