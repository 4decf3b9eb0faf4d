"""Result: score ranges, success/completion flags, response, duration."""

from __future__ import annotations

from typing import Any

from statements.validation.extensions import check_extensions
from statements.validation.report import Report
from statements.validation.timestamps import check_duration
from statements.validation.values import is_bool, is_number, is_object, is_string, null, unknown


def check_result(value: Any, path: str, r: Report) -> None:
    if not is_object(value, path, r):
        return
    for key, item in value.items():
        p = path + "." + key
        if item is None and key != "extensions":
            null(p, r)
        elif key == "score":
            check_score(item, p, r)
        elif key in ("success", "completion"):
            is_bool(item, p, r)
        elif key == "response":
            is_string(item, p, r)
        elif key == "duration":
            check_duration(item, p, r)
        elif key == "extensions":
            check_extensions(item, p, r)
        else:
            unknown(p, r, "a Result")


def check_score(value: Any, path: str, r: Report) -> None:
    if not is_object(value, path, r):
        return
    numbers: dict[str, float] = {}
    for key, item in value.items():
        p = path + "." + key
        if key not in ("scaled", "raw", "min", "max"):
            unknown(p, r, "a Score")
        elif item is None:
            null(p, r)
        elif is_number(item, p, r):
            numbers[key] = item
    scaled = numbers.get("scaled")
    if scaled is not None and not -1 <= scaled <= 1:
        r.error(path + ".scaled", "score.scaled_range", f"Scaled score {scaled} is not in [-1, 1].")
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and not low < high:
        r.error(path + ".min", "score.min_max", f"Score min {low} must be less than max {high}.")
    if raw is not None:
        if low is not None and raw < low:
            r.error(path + ".raw", "score.raw_range", f"Raw score {raw} is below min {low}.")
        if high is not None and raw > high:
            r.error(path + ".raw", "score.raw_range", f"Raw score {raw} is above max {high}.")
