"""The JSONPath subset xAPI Profiles allow in template rules (part two, 8.1).

Legal there: ``$``, child access by name (``.name`` or ``['name']``), array
indexes, ``*``, unions with commas inside brackets, and whole paths joined
by ``|``; filters and scripts are forbidden. That subset is small enough to
own outright (about a hundred lines), which keeps ``statements/`` free of a
dependency whose extra features the spec forbids anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

WILDCARD = "*"

Selector = str | int  # a member name, an array index, or WILDCARD


class JSONPathError(ValueError):
    """A path outside the subset the xAPI Profiles spec allows."""


@dataclass(frozen=True, slots=True)
class Path:
    """One parsed path: a list of steps, each a union of selectors."""

    steps: tuple[tuple[Selector, ...], ...]


def evaluate(document: Any, expression: str) -> list[Any]:
    """Every value the expression finds, flattened across ``|`` alternatives."""
    found: list[Any] = []
    for path in parse(expression):
        found.extend(_walk(document, path.steps))
    return found


@lru_cache(maxsize=512)
def parse(expression: str) -> tuple[Path, ...]:
    """Parse ``a | b | ...``; raise :class:`JSONPathError` saying what is wrong and where."""
    parts = _split_pipes(expression)
    return tuple(_parse_one(part.strip(), expression) for part in parts)


def _split_pipes(expression: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quote = ""
    for char in expression:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "|":
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _parse_one(text: str, whole: str) -> Path:
    if not text.startswith("$"):
        raise JSONPathError(f"JSONPath {whole!r}: each path must start with '$'")
    steps: list[tuple[Selector, ...]] = []
    pos = 1
    while pos < len(text):
        char = text[pos]
        if text.startswith("..", pos):
            raise JSONPathError(f"JSONPath {whole!r}: recursive descent '..' is not allowed")
        if char == ".":
            end = pos + 1
            while end < len(text) and text[end] not in ".[":
                end += 1
            name = text[pos + 1 : end]
            if not name:
                raise JSONPathError(f"JSONPath {whole!r}: empty member name at {pos}")
            steps.append((WILDCARD,) if name == WILDCARD else (name,))
            pos = end
        elif char == "[":
            selectors, pos = _parse_bracket(text, pos + 1, whole)
            steps.append(selectors)
        else:
            raise JSONPathError(f"JSONPath {whole!r}: unexpected {char!r} at {pos}")
    return Path(tuple(steps))


def _parse_bracket(text: str, pos: int, whole: str) -> tuple[tuple[Selector, ...], int]:
    selectors: list[Selector] = []
    while True:
        while pos < len(text) and text[pos] == " ":
            pos += 1
        if pos >= len(text):
            raise JSONPathError(f"JSONPath {whole!r}: unclosed '['")
        char = text[pos]
        if char in "'\"":
            end = text.find(char, pos + 1)
            if end < 0:
                raise JSONPathError(f"JSONPath {whole!r}: unclosed quote at {pos}")
            selectors.append(text[pos + 1 : end])
            pos = end + 1
        elif char == WILDCARD:
            selectors.append(WILDCARD)
            pos += 1
        elif char.isdigit():
            end = pos
            while end < len(text) and text[end].isdigit():
                end += 1
            selectors.append(int(text[pos:end]))
            pos = end
        else:
            raise JSONPathError(
                f"JSONPath {whole!r}: only quoted names, indexes and '*' may stand in "
                f"brackets (filters and scripts are not allowed), found {char!r} at {pos}"
            )
        while pos < len(text) and text[pos] == " ":
            pos += 1
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        if pos < len(text) and text[pos] == "]":
            return tuple(selectors), pos + 1
        raise JSONPathError(f"JSONPath {whole!r}: expected ',' or ']' at {pos}")


def _walk(value: Any, steps: Sequence[tuple[Selector, ...]]) -> list[Any]:
    current = [value]
    for selectors in steps:
        found: list[Any] = []
        for item in current:
            _children(item, selectors, found)
        if not found:
            return found
        current = found
    return current


def _children(value: Any, selectors: tuple[Selector, ...], into: list[Any]) -> None:
    """Append the children ``selectors`` pick from ``value`` (dicts checked first: fast)."""
    if isinstance(value, dict) or (not isinstance(value, list) and isinstance(value, Mapping)):
        for selector in selectors:
            if selector == WILDCARD:
                into.extend(value.values())
            elif not isinstance(selector, int) and selector in value:
                into.append(value[selector])
    elif isinstance(value, list):
        for selector in selectors:
            if selector == WILDCARD:
                into.extend(value)
            elif isinstance(selector, int) and selector < len(value):
                into.append(value[selector])
