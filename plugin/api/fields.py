"""Input fields with the bounds every API input needs, so a value the
database cannot hold (a NUL character, an integer past 32 bits, a year
before 1900) is a 422 with words, never a 500."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import ValidationError, fields, validate

from plugin.url_ids import MAX_ID


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError("Text must not contain NUL characters.")


def _sane_year(value: datetime) -> None:
    if not 1900 <= value.year <= 9000:
        raise ValidationError("Use a date between the years 1900 and 9000.")


def Id(*, strict: bool = True, **kwargs: Any) -> fields.Integer:
    """A row id; ``strict=False`` for query strings, where every value is text."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def Number(**kwargs: Any) -> fields.Integer:
    """A whole number the service checks (minutes, rating), bounded to 32 bits."""
    return fields.Integer(strict=True, validate=validate.Range(min=-MAX_ID, max=MAX_ID), **kwargs)


def Text(max_length: int = 10_000, **kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(max=max_length), _no_nul], **kwargs)


def When(**kwargs: Any) -> fields.AwareDateTime:
    return fields.AwareDateTime(validate=_sane_year, **kwargs)
