"""Forms of the token and import pages: they only parse; the token service
and the import service hold the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from plugin.i18n import lazy
from plugin.models.api import Scope
from plugin.views.leader_forms import PeopleField

SCOPE_LABELS = {
    Scope.RECORDS_WRITE: lazy("Record, change and delete records (records:write)"),
    Scope.RECORDS_READ: lazy("Read records and learning records (records:read)"),
    Scope.REPORTS_READ: lazy("Read reports (reports:read)"),
    Scope.ADMIN: lazy("Manage the delivery queue (admin; whole organisation only)"),
}
DAYS = [
    SelectChoice("30", lazy("30 days")),
    SelectChoice("90", lazy("90 days")),
    SelectChoice("365", lazy("1 year")),
]


def scope_choices(scopes: list[Scope]) -> list[SelectChoice]:
    return [SelectChoice(s.value, SCOPE_LABELS[s]) for s in scopes]


class ChoicesField(PeopleField):
    """Checkboxes whose values the service checks (scopes, teams)."""


class TokenForm(FlaskForm):  # type: ignore[misc]
    name = StringField(lazy("What is it for?"))
    scopes = ChoicesField(lazy("What may it do?"), validate_choice=False)
    days = RadioField(lazy("Valid for"), choices=DAYS, default="90", validate_choice=False)
    teams = ChoicesField(lazy("Only for these teams"), coerce=int, validate_choice=False)
    person = StringField(lazy("Only for this person (email)"), validators=[Optional()])


class RevokeForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token."""


class ImportForm(FlaskForm):  # type: ignore[misc]
    file = FileField(lazy("CSV file"))
    check_only = BooleanField(lazy("Only check the file; import nothing"))
