"""ISO 8601 timestamps and durations as xAPI uses them.

Timestamps: extended or basic format (XAPI-00123), a real calendar date and
time, a time zone (a SHOULD in 1.0.3, a MUST in 2.0.0) other than -00:00,
RFC 3339 form preferred. Durations: ISO 8601:2004 4.4.3.2 designators only
(the alternative format is rejected), a fraction only on the smallest unit;
a fraction of anything but seconds, or a decimal comma, is a warning: the
ADL reference LRS refuses them though ISO 8601 allows them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from statements.validation.report import Report
from statements.validation.values import is_string

_EXTENDED = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:([.,])(\d+))?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?\Z"
)
_BASIC = re.compile(
    r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:([.,])(\d+))?)?"
    r"(Z|[+-]\d{2}(?:\d{2})?)?\Z"
)
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})\Z")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

_NUM = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"P(?=\d|T\d)(?:({_NUM})Y)?(?:({_NUM})M)?(?:({_NUM})D)?"
    rf"(?:T(?=\d)(?:({_NUM})H)?(?:({_NUM})M)?(?:({_NUM})S)?)?\Z"
)
_WEEKS = re.compile(rf"P{_NUM}W\Z")

_FUTURE_SLACK = timedelta(minutes=5)


def _parse(value: str) -> tuple[datetime | None, bool, str | None]:
    """``(moment, has_zone, problem)``; moment is None when it is not a valid time."""
    m = _EXTENDED.match(value) or _BASIC.match(value)
    if m is None:
        return None, False, "is not an ISO 8601 date and time (e.g. 2024-05-01T09:30:00Z)"
    year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
    second = int(m.group(6) or 0)
    zone = m.group(9)
    if not 1 <= month <= 12:
        return None, False, f"has month {month}"
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= day <= (_DAYS[month - 1] if month != 2 else 28 + leap):
        return None, False, f"has day {day}, which month {month} of {year} does not have"
    if hour > 23 or minute > 59 or second > 60:
        return None, False, "has a time of day out of range"
    offset = 0
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:] or 0)
        if oh > 23 or om > 59:
            return None, False, "has a time zone offset out of range"
        if zone[0] == "-" and oh == om == 0:
            # RFC 3339 4.3: "unknown local offset"; the conformance suite
            # (XAPI-00123) and the ADL LRS refuse it in every spelling.
            return None, False, "has the offset -00:00 (an unknown one); write Z or +00:00"
        offset = (oh * 60 + om) * (-1 if zone[0] == "-" else 1)
    fraction = m.group(8)
    micro = int((fraction + "000000")[:6]) if fraction else 0
    if year < 1:
        return None, False, "has year 0, which ISO 8601 dates in xAPI cannot use"
    try:
        moment = datetime(year, month, day, hour, minute, min(second, 59), micro, tzinfo=UTC)
        return moment - timedelta(minutes=offset), zone is not None, None
    except OverflowError:  # 0001-01-01T00:00+01:00 or 9999-12-31T23:59-01:00 in UTC
        return None, False, "is outside the range of dates an LRS can store"


def check_timestamp(value: Any, path: str, r: Report, *, not_future: bool = False) -> None:
    if not is_string(value, path, r):
        return
    moment, has_zone, problem = _parse(value)
    if moment is None:
        r.error(path, "timestamp.invalid", f"'{value}' {problem}.")
        return
    if not has_zone:
        message = f"'{value}' has no time zone; add Z or an offset such as +02:00."
        if r.v2:
            r.error(path, "timestamp.no_timezone", message)
        else:
            r.warn(path, "timestamp.no_timezone", message)
    elif not _RFC3339.match(value):
        r.warn(
            path,
            "timestamp.not_rfc3339",
            f"'{value}' is ISO 8601 but not RFC 3339 (YYYY-MM-DDThh:mm:ss.sss+hh:mm), "
            "which xAPI recommends.",
        )
    if not_future and moment > datetime.now(UTC) + _FUTURE_SLACK:
        r.warn(path, "timestamp.future", f"'{value}' is in the future; it should not be.")


def duration_problem(value: str) -> str | None:
    if _WEEKS.match(value):
        return None
    m = _DURATION.match(value)
    if m is None:
        return "is not an ISO 8601 duration such as PT1H30M or P1DT2H"
    parts = [g for g in m.groups() if g is not None]
    if any("." in p or "," in p for p in parts[:-1]):
        return "has a fraction on a unit that is not the smallest one given"
    return None


#: What the ADL reference LRS accepts (lrs/utils/StatementValidator.py):
#: a fraction on seconds only, with a decimal point.
_STRICT_DURATION = re.compile(
    r"P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+[DW])?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?\Z"
)


def check_duration(value: Any, path: str, r: Report) -> None:
    if not is_string(value, path, r):
        return
    problem = duration_problem(value)
    if problem is not None:
        r.error(path, "duration.invalid", f"'{value}' {problem}.")
    elif not _STRICT_DURATION.match(value):
        r.warn(
            path,
            "duration.strict_lrs",
            f"'{value}' is ISO 8601, but the ADL reference LRS refuses a fraction of "
            "anything but seconds and a decimal comma; write it as seconds (PT5400S).",
        )
