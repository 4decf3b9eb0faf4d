"""The sync cursor on the operations page reads as words, not JSON."""

from __future__ import annotations

import json

from plugin.services.operations import _position


def test_a_cursor_reads_as_its_mark_and_how_many_ids_were_seen() -> None:
    cursor = {
        "mark": "2026-12-02T07:12:06.138Z",
        "seen": {"127d8084": "2026-12-02T07:12:06.138Z", "33b078c2": "2026-12-02T07:12:06Z"},
        "more": None,
    }
    assert _position(json.dumps(cursor)) == "mark: 2026-12-02T07:12:06.138Z, seen: 2 ids"


def test_no_cursor_and_a_broken_one() -> None:
    assert _position(None) == ""
    assert _position("{not json") == "{not json"
