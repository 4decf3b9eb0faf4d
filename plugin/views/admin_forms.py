"""L&D's forms: what a browser may send to the admin pages, parsed only.

As on the leader's pages, rules live in the services; choices are filled per
request and not validated here, so a tampered value reaches the service's
check and its clear message.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from plugin.i18n import lazy
from plugin.views.leader_forms import PeopleField


def int_or_none(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class ActionForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token: a button that retires, restores or ends something."""


class ValueForm(FlaskForm):  # type: ignore[misc]
    name_en = StringField(lazy("Name in English"))
    name_nl = StringField(lazy("Name in Dutch"), validators=[Optional()])
    kind = RadioField(
        lazy("Is it a value or a priority?"),
        choices=[
            SelectChoice("value", lazy("A company value")),
            SelectChoice("priority", lazy("A current priority")),
        ],
        default="value",
        validate_choice=False,
    )
    description = TextAreaField(lazy("Description"), validators=[Optional()])


class TopicForm(FlaskForm):  # type: ignore[misc]
    name_en = StringField(lazy("Name in English"))
    name_nl = StringField(lazy("Name in Dutch"), validators=[Optional()])


class MaterialForm(FlaskForm):  # type: ignore[misc]
    title = StringField(lazy("Title"))
    kind = RadioField(
        lazy("Kind"),
        choices=[
            SelectChoice("coaching-guideline", lazy("Coaching guideline")),
            SelectChoice("best-practice", lazy("Best practice")),
            SelectChoice("training-material", lazy("Training material (slides, document)")),
        ],
        default="training-material",
        validate_choice=False,
    )
    description = TextAreaField(lazy("Description"), validators=[Optional()])
    values = PeopleField(lazy("Values and priorities it supports"), coerce=int)
    topics = PeopleField(lazy("Topics"), coerce=int)
    language = RadioField(lazy("Language"), default="en", validate_choice=False)
    url = StringField(lazy("Link"), validators=[Optional()])
    file = FileField(lazy("Or upload a file"))


class CapacityForm(FlaskForm):  # type: ignore[misc]
    capacity = IntegerField(lazy("New trainers at once"), default=2)


class PairingForm(FlaskForm):  # type: ignore[misc]
    new_trainer = RadioField(lazy("New trainer"), coerce=int_or_none, validate_choice=False)
    experienced_trainer = RadioField(
        lazy("Experienced trainer"), coerce=int_or_none, validate_choice=False
    )
    starts_on = DateField(lazy("Starts on"))
    ends_on = DateField(lazy("Ends on"))


class ExpectationForm(FlaskForm):  # type: ignore[misc]
    text_en = StringField(lazy("The expectation in English"))
    text_nl = StringField(lazy("The expectation in Dutch"))
    role = RadioField(
        lazy("Expected of leaders as"),
        choices=[
            SelectChoice("leader", lazy("Leader")),
            SelectChoice("trainer", lazy("Trainer")),
            SelectChoice("mentor", lazy("Mentor")),
        ],
        default="leader",
        validate_choice=False,
    )
    team = RadioField(lazy("For whom"), coerce=int_or_none, validate_choice=False)
    measure = RadioField(
        lazy("What Leaderled counts"),
        choices=[
            SelectChoice("none", lazy("Nothing: the text says it all")),
            SelectChoice("knowledge_sessions", lazy("Knowledge sessions taught")),
            SelectChoice("coaching_moments", lazy("Coaching and mentoring moments")),
            SelectChoice("team_members_coached", lazy("Times each team member is coached")),
            SelectChoice("materials_shared", lazy("Materials shared")),
        ],
        default="none",
        validate_choice=False,
    )
    target = IntegerField(lazy("How many"), validators=[Optional()])
    period = RadioField(
        lazy("Per"),
        choices=[
            SelectChoice("month", lazy("Month")),
            SelectChoice("quarter", lazy("Quarter")),
            SelectChoice("year", lazy("Year")),
        ],
        default="quarter",
        validate_choice=False,
    )
