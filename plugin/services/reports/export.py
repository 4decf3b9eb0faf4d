"""Indicators as JSON-ready data: for ``leaderled report --format json``, the
API, and comparing the local and the LRS figures."""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from typing import Any

from plugin.services.reports.figures import Indicators


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in ("share", "average", "pass_rate"):
            if hasattr(value, name) and not callable(getattr(value, name)):
                found[name] = getattr(value, name)
        return found
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(_plain(item) for item in value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def as_json(indicators: Indicators) -> dict[str, Any]:
    """Every figure as plain JSON values (times in seconds, moments in ISO 8601)."""
    data: dict[str, Any] = _plain(indicators)
    return data
