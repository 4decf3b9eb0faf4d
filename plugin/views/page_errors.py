"""Turning service refusals into pages: messages next to their fields, or a
4xx page that says what happened and what to do."""

from __future__ import annotations

from typing import Any

from flask import render_template

from plugin.i18n import _
from plugin.services.errors import Invalid, ServiceError


def _parse_messages() -> dict[str, str]:
    """Friendlier words than WTForms' for values a browser could not parse."""
    return {
        "minutes": _("Enter how long it took as a whole number of minutes, such as 15."),
        "occurred_at": _("Enter the date and time, such as 2026-12-01 14:30."),
        "rating": _("Choose a rating from 1 to 5."),
        "capacity": _("Enter how many new trainers they take on at once, such as 2."),
        "target": _("Enter the number expected, such as 3."),
        "starts_on": _("Enter the date the pairing starts, such as 2027-01-15."),
        "ends_on": _("Enter the date the pairing ends, such as 2027-06-30."),
        "due_on": _("Enter the date you want to reach it by, such as 2027-03-31."),
    }


def parse_errors(form: Any) -> None:
    for name, message in _parse_messages().items():
        field = getattr(form, name, None)
        if field is not None and field.errors:
            field.errors = [message]


def apply_errors(form: Any, invalid: Invalid) -> None:
    """Put each service message on its field; a field the form lacks goes on the first one."""
    for name, message in invalid.errors.items():
        field = getattr(form, name, None)
        if field is None or not hasattr(field, "errors"):
            field = next(iter(form))
        field.errors = [*list(field.errors or ()), message]


def refuse(error: ServiceError) -> tuple[str, int]:
    titles = {403: _("Not allowed"), 404: _("Not found"), 409: _("Already changed")}
    return render_template(
        "error.html",
        code=error.status,
        title=titles.get(error.status, _("Not possible")),
        message=error.message,
    ), error.status
