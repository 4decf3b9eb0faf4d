"""Tip 2, room to mentor: a mentoring session or an informal coaching moment.

Free-text notes stay in the tool unless the organisation opted in
(``BuildOptions.include_free_text``), as DESIGN section 9 requires.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from statements import template_specs as t
from statements import vocabulary as v
from statements.builders.common import (
    DEFAULT_OPTIONS,
    BuildOptions,
    Category,
    CompanyValue,
    ContextParts,
    Statement,
    Text,
    Topic,
    activity,
    assemble,
    format_duration,
    free_text,
    value_activity,
)
from statements.identity import Identity


@dataclass(frozen=True, slots=True)
class MentoringMoment:
    """A leader mentoring or coaching one person within a mentoring relationship."""

    kind: Literal["mentoring", "coaching"]
    leader: Identity
    learner: Identity
    moment_id: str
    title: Text
    relationship: uuid.UUID
    occurred_at: datetime
    duration: timedelta
    notes: str | None = None
    # What it was about: a topic category and/or a company value (both optional).
    topic: Topic | Category | None = None
    company_value: CompanyValue | None = None


def mentoring_moment(
    event: MentoringMoment,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    if event.kind == "mentoring":
        spec, moment_type = t.MENTORING_SESSION_HELD, v.MENTORING_SESSION
    elif event.kind == "coaching":
        spec, moment_type = t.COACHING_MOMENT_GIVEN, v.COACHING_MOMENT
    else:
        raise ValueError(f"kind must be 'mentoring' or 'coaching', got {event.kind!r}")
    moment = activity(
        event.moment_id,
        moment_type.iri(options.base),
        event.title.as_map("moment title"),
        what="moment id",
    )
    result: Statement = {"duration": format_duration(event.duration)}
    notes = free_text(event.notes, options)
    if notes:
        result["extensions"] = notes
    return assemble(
        spec,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.leader,
        obj=moment,
        context=ContextParts(
            learner=event.learner,
            registration=event.relationship,
            topic=event.topic,
            grouping=(
                (value_activity(event.company_value, options),) if event.company_value else ()
            ),
            agents=((event.learner, v.LEARNER_ROLE),),
        ),
        result=result,
    )
