"""Statement factories shared by the lrs_client tests."""

from __future__ import annotations

import uuid
from typing import Any

VERB = "http://adlnet.gov/expapi/verbs/experienced"
ACTIVITY = "https://leaderled.example.org/activities/"


def statement(
    registration: str | None = None,
    *,
    n: int = 0,
    verb: str = VERB,
    actor: str = "mailto:leader@example.org",
    activity: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A small valid statement with a fresh id."""
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": actor},
        "verb": {"id": verb, "display": {"en-US": "experienced"}},
        "object": {"objectType": "Activity", "id": activity or f"{ACTIVITY}{n}"},
    }
    if registration:
        body["context"] = {"registration": registration}
    body.update(extra)
    return body


def poison(registration: str | None = None, *, n: int = 0) -> dict[str, Any]:
    """A statement every spec-following LRS rejects: the mbox lacks ``mailto:``."""
    bad = statement(registration, n=n)
    bad["actor"] = {"objectType": "Agent", "mbox": f"not-an-email-{n}"}
    return bad
