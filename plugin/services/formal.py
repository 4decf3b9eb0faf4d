"""Reading formal records the way pages and reports must: voided ones are gone."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.formal import FormalRecord
from statements.classification import Origin


def formal_records_of(session: Session, person_id: int) -> Sequence[FormalRecord]:
    """A person's formal records, newest first; voided statements are not records."""
    return session.scalars(
        select(FormalRecord)
        .where(
            FormalRecord.person_id == person_id,
            FormalRecord.origin == Origin.FORMAL.value,
            FormalRecord.voided.is_(False),
        )
        .order_by(FormalRecord.timestamp.desc(), FormalRecord.statement_id)
    ).all()
