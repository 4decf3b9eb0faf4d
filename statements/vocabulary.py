"""Every IRI Leaderled uses in statements, with English and Dutch display names."""

from __future__ import annotations

DEFAULT_PROFILE_BASE = "http://localhost:5000/xapi"
