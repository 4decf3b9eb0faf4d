"""The learner's form: confirm a session or moment, with an optional rating."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from plugin.i18n import lazy


def _rating(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class ConfirmForm(FlaskForm):  # type: ignore[misc]
    rating = RadioField(
        lazy("How useful was it? (optional)"),
        choices=[
            SelectChoice("5", lazy("5, very useful")),
            SelectChoice("4", "4"),
            SelectChoice("3", "3"),
            SelectChoice("2", "2"),
            SelectChoice("1", lazy("1, not useful")),
        ],
        coerce=_rating,
        validators=[Optional()],
        validate_choice=False,
    )
    comment = TextAreaField(lazy("Comment for your leader (optional)"), validators=[Optional()])
