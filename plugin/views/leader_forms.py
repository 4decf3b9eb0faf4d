"""The leader's forms: what a browser may send, parsed into service input.

WTForms only parses (numbers, dates) and carries the CSRF token; the rules
(who may be named, which dates, which lengths) live in the services, so the
pages and the API refuse the same things in the same words. Choices are
filled per request; ``validate_choice`` is off so that a tampered value
reaches the service's check and gets its clear message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from plugin.i18n import lazy
from plugin.models.catalogue import CompanyValue, TopicCategory
from plugin.models.people import Person

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _int_or_none(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class PeopleField(SelectMultipleField):  # type: ignore[misc]
    """Person ids as checkboxes; values are checked by the service, not here."""

    def pre_validate(self, form: Any) -> None:
        return None


def people_choices(people: Iterable[Person]) -> list[SelectChoice]:
    return [SelectChoice(str(p.id), p.display_name or p.email or f"#{p.id}") for p in people]


def topic_choices(topics: Sequence[TopicCategory], language: str) -> list[SelectChoice]:
    return [SelectChoice(t.slug, t.name(language)) for t in topics]


def value_choices(values: Sequence[CompanyValue], language: str) -> list[SelectChoice]:
    return [SelectChoice(str(v.id), v.name(language)) for v in values]


class MomentForm(FlaskForm):  # type: ignore[misc]
    kind = RadioField(
        lazy("What was it?"),
        choices=[
            SelectChoice("coaching", lazy("A coaching moment")),
            SelectChoice("mentoring", lazy("A mentoring talk")),
        ],
        default="coaching",
        validate_choice=False,
    )
    people = PeopleField(lazy("Who?"), coerce=int, validate_choice=False)
    topic = RadioField(lazy("Topic"), validators=[Optional()], validate_choice=False)
    value = RadioField(
        lazy("Company value or priority"),
        validators=[Optional()],
        coerce=_int_or_none,
        validate_choice=False,
    )
    title = StringField(lazy("Short title"), validators=[Optional()])
    minutes = IntegerField(lazy("How long (minutes)"), default=15)
    occurred_at = DateTimeLocalField(lazy("When"), format=DATETIME_FORMAT)
    notes = TextAreaField(lazy("Private notes"), validators=[Optional()])


class SessionForm(FlaskForm):  # type: ignore[misc]
    title = StringField(lazy("Title"))
    topic = RadioField(lazy("Topic"), validate_choice=False)
    value = RadioField(
        lazy("Company value or priority"),
        validators=[Optional()],
        coerce=_int_or_none,
        validate_choice=False,
    )
    people = PeopleField(lazy("Who attended?"), coerce=int, validate_choice=False)
    minutes = IntegerField(lazy("How long (minutes)"), default=60)
    occurred_at = DateTimeLocalField(lazy("When"), format=DATETIME_FORMAT)
    material_title = StringField(lazy("Material used"), validators=[Optional()])
    material_url = StringField(lazy("Link to the material"), validators=[Optional()])
    materials = PeopleField(lazy("Material from the library"), coerce=int, validate_choice=False)
    notes = TextAreaField(lazy("Private notes"), validators=[Optional()])


class DeleteForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token: the confirmation step of a deletion."""


class FilterForm(FlaskForm):  # type: ignore[misc]
    """The records list's filters (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    kind = RadioField(lazy("Kind"), validate_choice=False, default="")
    period = RadioField(lazy("Period"), validate_choice=False, default="all")
