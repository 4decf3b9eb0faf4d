"""Checks on built statements against the profile, shared by several test modules."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft7Validator


def extension_values(statement: dict[str, Any]) -> list[tuple[str, Any]]:
    """(key, value) of every extension in the statement's context, result and object."""
    found: list[tuple[str, Any]] = []
    for holder in (
        statement.get("context", {}),
        statement.get("result", {}),
        statement["object"].get("definition", {}),
    ):
        found.extend(holder.get("extensions", {}).items())
    return found


def schema_problems(statement: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    """Every extension value of ours that breaks its concept's inlineSchema."""
    schemas = {
        c["id"]: json.loads(c["inlineSchema"]) for c in profile["concepts"] if "inlineSchema" in c
    }
    return [
        f"{key}: {error.message}"
        for key, value in extension_values(statement)
        if key in schemas
        for error in Draft7Validator(schemas[key]).iter_errors(value)
    ]
