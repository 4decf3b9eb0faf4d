"""Row ids in URLs and API input: positive integers that fit the database's
32-bit INTEGER. A larger id in a URL is a 404 at routing, not an overflow
(a 500) when the view asks the database for it."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


class RowId(IntegerConverter):
    """Flask's ``<int:...>`` with an upper bound: every route's ids at once."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
