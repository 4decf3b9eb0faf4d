"""Words for the values pages show: record kinds, delivery states, periods,
learning modes. One place, so every page says the same thing."""

from __future__ import annotations

from typing import Any

from flask import Flask
from wtforms import Form

from plugin.i18n import lazy
from plugin.models.lti import IdentityMode
from plugin.models.people import Role
from plugin.models.privacy import AccessKind, PrivacyAction
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

ROLES: dict[str, Any] = {
    Role.LEADER.value: lazy("Leader"),
    Role.LEARNER.value: lazy("Learner"),
    Role.LND_ADMIN.value: lazy("L&D admin"),
    "cli": lazy("Operator (command line)"),
    "personal_token": lazy("Personal API token"),
    "service_token": lazy("Service API token"),
    "worker": lazy("Retention schedule"),
}
ACCESS: dict[AccessKind, Any] = {
    AccessKind.RECORD: lazy("a record that names you"),
    AccessKind.LEARNING_RECORD: lazy("your learning record"),
    AccessKind.PERSONAL_DATA: lazy("what Leaderled holds about you"),
    AccessKind.EXPORT: lazy("an export of your data"),
}
#: The same, for an L&D admin reading about someone else.
ACCESS_THEM: dict[AccessKind, Any] = {
    AccessKind.RECORD: lazy("a record that names them"),
    AccessKind.LEARNING_RECORD: lazy("their learning record"),
    AccessKind.PERSONAL_DATA: lazy("what Leaderled holds about them"),
    AccessKind.EXPORT: lazy("an export of their data"),
}
IDENTITY_MODES: dict[IdentityMode, Any] = {
    IdentityMode.ACCOUNT: lazy("LMS account (user id)"),
    IdentityMode.MBOX: lazy("Email address"),
    IdentityMode.USERNAME: lazy("LMS username"),
}
PRIVACY_ACTIONS: dict[PrivacyAction, Any] = {
    PrivacyAction.ERASURE: lazy("Erasure"),
    PrivacyAction.RETENTION: lazy("Retention run"),
}
#: What each table holds, for people; a table without words shows its name.
TABLES: dict[str, Any] = {
    "person": lazy("Name, email address and language"),
    "person_identifier": lazy("LMS accounts and email identifiers"),
    "membership": lazy("Course memberships"),
    "lti_launch_session": lazy("Sign-ins from the LMS"),
    "leader_led_record": lazy("Records made, confirmed or taken part in"),
    "record_participant": lazy("Places in records of others"),
    "record_statement": lazy("Statement links of their records"),
    "outbox": lazy("Statements queued or sent"),
    "statement_subject": lazy("Statements that name them"),
    "formal_record": lazy("Formal records from the LRS"),
    "access_log": lazy("Views of their record, and their views of others"),
    "privacy_audit": lazy("Erasures and retention runs they did"),
    "privacy_settings": lazy("Retention settings they changed"),
}


def table_label(name: str) -> Any:
    return TABLES.get(name, name)


def access_label(what: AccessKind, about: str = "you") -> Any:
    return (ACCESS if about == "you" else ACCESS_THEM)[what]


def role_label(role: str) -> Any:
    return ROLES.get(role, role)


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
        role_label=role_label,
        table_label=table_label,
        access_label=access_label,
        identity_label=IDENTITY_MODES.__getitem__,
        privacy_action_label=PRIVACY_ACTIONS.__getitem__,
        material_kind_label=lambda kind: MATERIAL_KINDS.get(str(kind), str(kind)),
        language_name=lambda code: LANGUAGE_NAMES.get(code, code),
        expected_role_label=lambda role: EXPECTED_ROLES.get(role, role),
        this_period_label=lambda period: THIS_PERIOD.get(str(period), str(period)),
        per_period_label=lambda period: PER_PERIOD.get(str(period), str(period)),
    )
