"""``leaderled report``: bad input ends with a message saying what to fix, never a
traceback; the table and JSON come out of the local database without an LRS."""

from __future__ import annotations

import json
from dataclasses import replace

from flask import Flask

from plugin.cli.reports import report


def test_bad_dates_and_teams_are_usage_errors(app: Flask) -> None:
    runner = app.test_cli_runner()
    cases = {
        ("--from", "2025-01-01"): "give --from and --to together",
        ("--from", "2025-02-01", "--to", "2025-01-01"): "--to must not be before --from",
        ("--from", "1 May", "--to", "2025-01-01"): "Invalid value for '--from'",
        ("--team", "999999"): "no team with id 999999",
        ("--kind", "teleporting"): "Invalid value for '--kind'",
    }
    for args, message in cases.items():
        result = runner.invoke(report, ["local", *args])
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert "Traceback" not in result.output


def test_local_report_as_json_and_table_on_an_empty_database(app: Flask) -> None:
    runner = app.test_cli_runner()
    args = ["local", "--period", "month", "--on", "2025-02-10"]
    result = runner.invoke(report, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scope"]["period"] == {
        "start": "2025-02-01T00:00:00+00:00",
        "end": "2025-03-01T00:00:00+00:00",
    }
    assert data["leaders_teaching"] == {"leaders": 0, "teaching": 0, "share": None}
    table = runner.invoke(report, args)
    assert table.exit_code == 0, table.output
    assert "Report 2025-02-01 to 2025-02-28, all teams" in table.output


def test_lrs_report_without_an_endpoint_says_what_to_set(app: Flask) -> None:
    app.config["LEADERLED"] = replace(app.config["LEADERLED"], lrs_endpoint="")
    result = app.test_cli_runner().invoke(report, ["lrs"])
    assert result.exit_code == 1
    assert "LEADERLED_LRS_ENDPOINT" in result.output
