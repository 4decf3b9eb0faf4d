"""Publishing participation to the LMS gradebook from a leader's launch.

Called by the features that record participation (e.g. attendance of a
knowledge session): given the leader's launch session (whose AGS claim names
the course's line items) and the learner's LMS user id, post a completed,
fully graded score to the activity's line item. Optional by nature: when the
platform offers no AGS, or grade-sync-only mode leaves nowhere to post, the
outcome says why and nothing fails.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from plugin.lti.ags import AgsEndpoint, LineItemSpec, PublishOutcome, Score
from plugin.lti.service_clients import access_for, clients
from plugin.models.lti import LtiLaunchSession


def publish_participation(
    session: Session,
    launch: LtiLaunchSession,
    user_id: str,
    *,
    label: str,
    resource_id: str,
    timestamp: datetime | None = None,
    comment: str | None = None,
) -> PublishOutcome:
    """Post "participated" (score 1 of 1, Completed, FullyGraded) for ``user_id``.

    Raises :class:`plugin.lti.service_token.LtiServiceError` when the platform
    refuses or cannot be reached, so a job can retry later.
    """
    endpoint = AgsEndpoint.from_claims(launch.claims)
    if endpoint is None:
        return PublishOutcome(False, reason="the LMS offered no gradebook service with this launch")
    spec = LineItemSpec(label=label, resource_id=resource_id)
    score = Score(
        user_id=user_id, score_given=1, score_maximum=1, timestamp=timestamp, comment=comment
    )
    return clients().ags.publish(access_for(session, launch), endpoint, spec, score)
