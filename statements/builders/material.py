"""Tip 4, easy-to-use training material: material used or shared, tied to a company value."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from statements import template_specs as t
from statements import vocabulary as v
from statements.builders.common import (
    DEFAULT_OPTIONS,
    BuildOptions,
    CompanyValue,
    ContextParts,
    Statement,
    Text,
    activity,
    assemble,
    value_activity,
)
from statements.identity import Identity

MaterialKind = Literal["training-material", "coaching-guideline", "best-practice"]


@dataclass(frozen=True, slots=True)
class Material:
    id: str
    title: Text
    kind: MaterialKind = "training-material"


@dataclass(frozen=True, slots=True)
class MaterialEvent:
    action: Literal["used", "shared"]
    leader: Identity
    material: Material
    occurred_at: datetime
    company_value: CompanyValue | None = None


def material_activity(material: Material, options: BuildOptions) -> Statement:
    kind = v.MATERIAL_TYPES.get(material.kind)
    if kind is None:
        raise ValueError(
            f"material kind must be one of {', '.join(v.MATERIAL_TYPES)}, got {material.kind!r}"
        )
    return activity(
        material.id,
        kind.iri(options.base),
        material.title.as_map("material title"),
        what="material id",
    )


def material_event(
    event: MaterialEvent,
    options: BuildOptions = DEFAULT_OPTIONS,
    *,
    statement_id: uuid.UUID | str | None = None,
) -> Statement:
    if event.action not in ("used", "shared"):
        raise ValueError(f"material action must be 'used' or 'shared', got {event.action!r}")
    spec = t.MATERIAL_USED if event.action == "used" else t.MATERIAL_SHARED
    grouping: tuple[Statement, ...] = ()
    if event.company_value is not None:
        grouping = (value_activity(event.company_value, options),)
    return assemble(
        spec,
        options,
        statement_id=statement_id,
        occurred_at=event.occurred_at,
        actor=event.leader,
        obj=material_activity(event.material, options),
        context=ContextParts(grouping=grouping),
    )
