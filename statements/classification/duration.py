"""ISO 8601 durations (``result.duration``) to seconds, tolerant of odd input.

Time spent feeds the 70-20-10 mix by hours, so a duration a pulled statement
gets slightly wrong must not raise: anything unparsable is ``None``. Years and
months have no fixed length; they count as 365 and 30 days, which is what a
report of hours needs (xAPI producers almost never send them).
"""

from __future__ import annotations

import math
import re

_NUMBER = r"(\d+(?:[.,]\d*)?|[.,]\d+)"
_DURATION = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?",
    re.ASCII,
)
# Seconds per unit, in the order of the regular expression's groups.
_UNIT_SECONDS = (365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1)


def duration_seconds(value: object) -> float | None:
    """Seconds in an ISO 8601 duration such as ``PT1H30M`` or ``P1DT2.5S``.

    ``None`` for anything that is not a non-empty, finite duration string:
    a bare ``P`` or ``PT``, a negative or signed value, text around it.
    """
    if not isinstance(value, str):
        return None
    text = value.strip().upper()
    match = _DURATION.fullmatch(text)
    if match is None or text.endswith("T"):
        return None
    groups = match.groups()
    if all(group is None for group in groups):
        return None
    total = 0.0
    for group, unit in zip(groups, _UNIT_SECONDS, strict=True):
        if group is not None:
            total += float(group.replace(",", ".")) * unit
    return total if math.isfinite(total) else None
