"""The leader's forms for tips 3 to 5 (train-the-trainer, the library,
expectations and goals): parsing only, the rules are the services'."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from plugin.i18n import lazy
from plugin.views.admin_forms import int_or_none
from plugin.views.leader_forms import DATETIME_FORMAT, PeopleField

RATINGS = [SelectChoice(str(n), str(n)) for n in range(1, 6)]


class TttForm(FlaskForm):  # type: ignore[misc]
    title = StringField(lazy("What was the session about?"))
    trainer = RadioField(lazy("Who ran it?"), coerce=int_or_none, validate_choice=False)
    minutes = IntegerField(lazy("How long (minutes)"), default=120)
    occurred_at = DateTimeLocalField(lazy("When"), format=DATETIME_FORMAT)
    notes = TextAreaField(lazy("Private notes"), validators=[Optional()])


class AskForm(FlaskForm):  # type: ignore[misc]
    session = RadioField(lazy("Which session?"), coerce=int_or_none, validate_choice=False)
    reviewer = RadioField(lazy("Whom do you ask?"), coerce=int_or_none, validate_choice=False)
    message = TextAreaField(lazy("What would you like feedback on?"), validators=[Optional()])


class FeedbackForm(FlaskForm):  # type: ignore[misc]
    rating = RadioField(
        lazy("How well was it taught?"),
        choices=RATINGS,
        coerce=int_or_none,
        validate_choice=False,
    )
    comment = TextAreaField(lazy("Your feedback"), validators=[Optional()])


class ShareForm(FlaskForm):  # type: ignore[misc]
    audience = RadioField(
        lazy("Share with"),
        choices=[
            SelectChoice("team", lazy("My whole team")),
            SelectChoice("people", lazy("People I choose")),
        ],
        default="team",
        validate_choice=False,
    )
    people = PeopleField(lazy("Who?"), coerce=int, validate_choice=False)


class LibraryFilterForm(FlaskForm):  # type: ignore[misc]
    """The library's search (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    q = StringField(lazy("Search"))
    value = StringField(lazy("Company value"))
    priority = StringField(lazy("Priority"))
    topic = StringField(lazy("Topic"))
    language = StringField(lazy("Language"))
    kind = StringField(lazy("Kind"))


class GoalForm(FlaskForm):  # type: ignore[misc]
    title = StringField(lazy("Your goal as a teacher"))
    due_on = DateField(lazy("Reach it by"))
