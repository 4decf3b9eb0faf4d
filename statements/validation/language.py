"""RFC 5646 language tags and xAPI language maps.

The grammar is applied in full (language, extlang, script, region, variants,
extensions, private use, grandfathered tags); registry membership is not
checked, as the spec asks only for well-formed tags.
"""

from __future__ import annotations

import re
from typing import Any

from statements.validation.report import Report
from statements.validation.values import is_object, key_path, null

_LANGTAG = re.compile(
    r"""
    (?:
      (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})   # language (+ extlang)
      (?:-[a-z]{4})?                                       # script
      (?:-(?:[a-z]{2}|[0-9]{3}))?                          # region
      (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*             # variants
      (?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*                 # extensions
      (?:-x(?:-[a-z0-9]{1,8})+)?                           # private use
    |
      x(?:-[a-z0-9]{1,8})+                                 # private use only
    |
      en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo
      |i-navajo|i-pwn|i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de
      |art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan
      |zh-xiang
    )\Z
    """,
    re.IGNORECASE | re.VERBOSE,
)

_valid: set[str] = set()


def clear_cache() -> None:
    """Forget tags already seen valid (benchmarks measure the cold cost)."""
    _valid.clear()


def is_language_tag(tag: str) -> bool:
    if tag in _valid:
        return True
    if not _LANGTAG.match(tag) or _has_repeated_singleton(tag):
        return False
    if len(_valid) < 1024:
        _valid.add(tag)
    return True


def _has_repeated_singleton(tag: str) -> bool:
    """RFC 5646 2.2.6: each extension singleton appears at most once."""
    seen: set[str] = set()
    for part in tag.lower().split("-")[1:]:
        if part == "x":
            return False
        if len(part) == 1:
            if part in seen:
                return True
            seen.add(part)
    return False


def check_language_tag(value: Any, path: str, r: Report) -> None:
    if type(value) is not str:
        r.error(path, "type.string", "A language tag must be a string.")
    elif not is_language_tag(value):
        r.error(path, "language.invalid_tag", f"'{value}' is not an RFC 5646 language tag.")


def check_language_map(value: Any, path: str, r: Report) -> None:
    """Keys are RFC 5646 tags, values non-empty strings."""
    if not is_object(value, path, r):
        return
    for tag, text in value.items():
        if tag not in _valid and not is_language_tag(tag):
            r.error(
                key_path(path, tag),
                "language.invalid_tag",
                f"'{tag}' is not an RFC 5646 language tag.",
            )
        if type(text) is not str:
            if text is None:
                null(key_path(path, tag), r)
            else:
                r.error(key_path(path, tag), "type.string", "A language map value must be text.")
        elif not text:
            r.error(key_path(path, tag), "value.empty", "A language map value must not be empty.")
