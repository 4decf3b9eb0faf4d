"""LTI launches and refusals are counted for ``/metrics``, refusals by the
check that refused them, through real launches from the development LMS."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from plugin.lti_platform import mutators as m

from .conftest import LivePlatform, launch, register, spec_for


def _counters(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name.startswith("leaderled_lti_")
    }


def test_launches_and_refusals_are_counted_by_reason(
    tool: Flask, tool_client: FlaskClient, moodle: LivePlatform
) -> None:
    from plugin.views.metrics import NETWORKS, parse_allow

    tool.extensions[NETWORKS] = parse_allow("127.0.0.1")  # as LEADERLED_METRICS_ALLOW would
    reg = register(tool, moodle)
    accepted, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg))
    assert accepted.status_code == 200
    expired, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, mutators=(m.expired,)))
    assert expired.status_code == 400
    forged, _ = launch(tool_client, moodle, reg, spec_for(moodle, reg, mutators=(m.bad_signature,)))
    assert forged.status_code == 400
    unknown = tool_client.get("/lti/login", query_string={"iss": "https://nobody.example"})
    assert unknown.status_code in (400, 403)

    found = _counters(tool_client)
    assert found[("leaderled_lti_launches_total", ())] == 1
    refusals = {
        dict(labels)["step"] + ":" + dict(labels)["reason"]: count
        for (name, labels), count in found.items()
        if name == "leaderled_lti_refusals_total"
    }
    assert refusals.pop("launch:times") == 1
    assert refusals.pop("launch:signature") == 1
    assert refusals == {"login:start_login": 1}  # no platform with that issuer
