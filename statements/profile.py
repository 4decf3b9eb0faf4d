"""Placeholder until the profile builder lands (see issue 2)."""

from __future__ import annotations

from typing import Any


def build_profile(base: str) -> dict[str, Any]:
    return {"id": base + "/profile"}
