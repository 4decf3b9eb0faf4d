"""Words for the values pages show: record kinds, delivery states, periods,
learning modes. One place, so every page says the same thing."""

from __future__ import annotations

from typing import Any

from flask import Flask
from wtforms import Form

from plugin.i18n import lazy
from plugin.models.records import RecordKind
from plugin.services.record_queries import Delivery, Period

KINDS: dict[RecordKind, Any] = {
    RecordKind.KNOWLEDGE_SESSION: lazy("Knowledge session"),
    RecordKind.COACHING_MOMENT: lazy("Coaching moment"),
    RecordKind.MENTORING_SESSION: lazy("Mentoring talk"),
    RecordKind.TTT_SESSION: lazy("Train-the-trainer session"),
    RecordKind.TRAINER_PAIRING: lazy("Trainer pairing"),
    RecordKind.FEEDBACK: lazy("Feedback on teaching"),
    RecordKind.MATERIAL_USED: lazy("Material used"),
    RecordKind.MATERIAL_SHARED: lazy("Material shared"),
    RecordKind.EXPECTATION_ACKNOWLEDGED: lazy("Expectations acknowledged"),
    RecordKind.GOAL_SET: lazy("Goal set"),
    RecordKind.GOAL_MET: lazy("Goal met"),
    RecordKind.CONFIRMATION: lazy("Confirmation"),
}
DELIVERY: dict[Delivery, Any] = {
    Delivery.WAITING: lazy("Waiting for the LRS"),
    Delivery.STORED: lazy("In the LRS"),
    Delivery.REFUSED: lazy("Refused by the LRS"),
    Delivery.LOCAL: lazy("Kept in Leaderled only"),
}
PERIODS: dict[Period, Any] = {
    Period.ALL: lazy("All time"),
    Period.MONTH: lazy("This month"),
    Period.QUARTER: lazy("This quarter"),
    Period.YEAR: lazy("This year"),
}
MODES: dict[str, Any] = {
    "experiential": lazy("On the job (70)"),
    "social": lazy("From others (20)"),
    "formal": lazy("Formal (10)"),
}


MATERIAL_KINDS: dict[str, Any] = {
    "coaching-guideline": lazy("Coaching guideline"),
    "best-practice": lazy("Best practice"),
    "training-material": lazy("Training material"),
}
#: Languages a material may be in, each named in its own language.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "nl": "Nederlands",
    "de": "Deutsch",
    "fr": "Français",
}
EXPECTED_ROLES: dict[str, Any] = {
    "leader": lazy("as a leader"),
    "trainer": lazy("as a trainer"),
    "mentor": lazy("as a mentor"),
}
THIS_PERIOD: dict[str, Any] = {
    "month": lazy("this month"),
    "quarter": lazy("this quarter"),
    "year": lazy("this year"),
}
PER_PERIOD: dict[str, Any] = {
    "month": lazy("per month"),
    "quarter": lazy("per quarter"),
    "year": lazy("per year"),
}


def kind_label(kind: RecordKind | str) -> Any:
    try:
        return KINDS[RecordKind(kind)]
    except ValueError:
        return str(kind)


def has_errors(form: Form) -> bool:
    return any(field.errors for field in form)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        kind_label=kind_label,
        delivery_label=DELIVERY.__getitem__,
        period_label=PERIODS.__getitem__,
        mode_label=MODES.__getitem__,
        has_errors=has_errors,
        material_kind_label=lambda kind: MATERIAL_KINDS.get(str(kind), str(kind)),
        language_name=lambda code: LANGUAGE_NAMES.get(code, code),
        expected_role_label=lambda role: EXPECTED_ROLES.get(role, role),
        this_period_label=lambda period: THIS_PERIOD.get(str(period), str(period)),
        per_period_label=lambda period: PER_PERIOD.get(str(period), str(period)),
    )
