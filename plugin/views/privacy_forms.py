"""The privacy pages' forms: they only parse; the rules live in the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from plugin.i18n import lazy
from plugin.models.lti import IdentityMode
from plugin.views.labels import IDENTITY_MODES


class ConfirmForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token: an export or an erasure confirmed with one button."""


class DisclosureForm(FlaskForm):  # type: ignore[misc]
    identity = RadioField(
        lazy("How statements name people"),
        choices=[SelectChoice(m.value, IDENTITY_MODES[m]) for m in IdentityMode],
        validate_choice=False,
    )
    names = BooleanField(lazy("Put people's names in statements"))
    notes = BooleanField(lazy("Put coaching notes and rating comments in statements"))


class RetentionForm(FlaskForm):  # type: ignore[misc]
    records = StringField(lazy("Leader-led records (days)"), validators=[Optional()])
    formal = StringField(lazy("Formal records from the LRS (days)"), validators=[Optional()])
    access_log = StringField(lazy("Access log (days)"), validators=[Optional()])


class SearchForm(FlaskForm):  # type: ignore[misc]
    """Find a person (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    person = StringField(lazy("LMS user id, email address, name or Leaderled id"))
