"""Corrections: statements are immutable, so a wrong one is voided and sent anew."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from statements import template_specs as t
from statements.builders.common import (
    DEFAULT_OPTIONS,
    BuildOptions,
    ContextParts,
    Statement,
    assemble,
    statement_uuid,
)
from statements.identity import Identity


@dataclass(frozen=True, slots=True)
class StatementVoided:
    actor: Identity
    voided_statement_id: uuid.UUID | str
    occurred_at: datetime


def statement_voided(
    event: StatementVoided,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    if event.voided_statement_id is None:
        raise ValueError("voiding needs the id of the statement to void")
    target = statement_uuid(event.voided_statement_id)
    own = statement_uuid(statement_id)
    if own == target:
        raise ValueError("a voiding statement cannot void itself")
    return assemble(
        t.STATEMENT_VOIDED,
        options,
        statement_id=own,
        occurred_at=event.occurred_at,
        actor=event.actor,
        obj={"objectType": "StatementRef", "id": target},
        context=ContextParts(),
    )
