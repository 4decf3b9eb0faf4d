"""Ids in URLs stop at the database's 32-bit INTEGER: a larger one is a 404
at routing for every route, where the database would overflow (a 500)."""

from __future__ import annotations

from werkzeug.exceptions import HTTPException

from plugin import create_app
from plugin.url_ids import MAX_ID


def test_every_int_id_in_every_route_is_bounded(database_url: str) -> None:
    app = create_app({"database_url": database_url, "testing": True})
    adapter = app.url_map.bind("tool.example")
    routes = [
        rule
        for rule in app.url_map.iter_rules()
        if any(type(c).__name__ == "RowId" for c in rule._converters.values())
    ]
    assert len(routes) >= 20  # records, library, goals, API, ...
    for rule in routes:
        method = sorted((rule.methods or {"GET"}) - {"HEAD", "OPTIONS"})[0]
        values = dict.fromkeys(rule.arguments, 1)
        ok = adapter.build(rule.endpoint, values, method=method)
        assert adapter.match(ok, method=method)[0] == rule.endpoint
        for too_big in (MAX_ID + 1, 10**20):
            path = ok.replace("/1", f"/{too_big}")
            try:
                endpoint, values = adapter.match(path, method=method)
            except HTTPException:  # 404, or 405 where another route has the path
                continue
            # Another route may take the text (a <key>); this one must not.
            assert endpoint != rule.endpoint, (rule.rule, values)


def test_the_largest_id_still_routes(database_url: str) -> None:
    app = create_app({"database_url": database_url, "testing": True})
    client = app.test_client()
    # Routed (then refused for want of a launch), not a 404 from routing or a 500.
    assert client.get(f"/leader/records/{MAX_ID}").status_code in (401, 403)
    assert client.get(f"/leader/records/{MAX_ID + 1}").status_code == 404
