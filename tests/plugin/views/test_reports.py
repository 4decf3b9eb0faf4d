"""The report pages: an L&D admin sees every team, a leader only the teams
they lead (on the page, in every CSV and behind every drill-down URL), a
learner nothing; bad filters are a 400 that says what to write; CSV is
UTF-8 with a BOM, ``;`` and a decimal comma in Dutch.

Records are made through the leader's own coaching form, as in real use:
Ada coaches Bo in team North, Gus coaches Hal in team South.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from plugin.db import session_scope
from plugin.models import LeaderLedRecord
from plugin.models.privacy import AccessLogEntry
from plugin.models.records import RecordStatement
from plugin.views import report_page

from .conftest import World, csrf_token, sign_in

WHEN = datetime.now(UTC) - timedelta(days=2)
PERIOD = {
    "period": "custom",
    "from": (WHEN - timedelta(days=3)).date().isoformat(),
    "to": (WHEN + timedelta(days=3)).date().isoformat(),
}


def _coach(app: Flask, world: World, leader: str, learner: str, minutes: int, title: str) -> int:
    client = sign_in(app, world, leader)
    form = {
        "csrf_token": csrf_token(client, "/leader/coaching/new"),
        "kind": "coaching",
        "people": [world.people[learner]],
        "minutes": str(minutes),
        "occurred_at": WHEN.strftime("%Y-%m-%dT%H:%M"),
        "title": title,
        "notes": "",
    }
    assert client.post("/leader/coaching/new", data=form).status_code == 303
    with session_scope(app) as session:
        found = session.scalar(select(LeaderLedRecord.id).where(LeaderLedRecord.title == title))
        assert found is not None
        return found


@pytest.fixture
def coached(pages_app: Flask, world: World) -> dict[str, int]:
    return {
        "north": _coach(pages_app, world, "ada", "bo", 30, "North coaching"),
        "south": _coach(pages_app, world, "gus", "hal", 45, "South secret talk"),
    }


def _get(client: FlaskClient, path: str, **args: Any) -> Any:
    return client.get(path, query_string={**PERIOD, **args})


def _statement_ids(app: Flask, record_id: int) -> list[str]:
    with session_scope(app) as session:
        return list(
            session.scalars(
                select(RecordStatement.statement_id).where(RecordStatement.record_id == record_id)
            )
        )


def _csv_rows(response: Any) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_an_lnd_admin_sees_every_team_with_charts_and_tables(
    pages_app: Flask, world: World, coached: dict[str, int]
) -> None:
    client = sign_in(pages_app, world, "cy")
    page = _get(client, "/reports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Team North" in html
    assert "Team South" in html
    assert 'id="mix-chart"' in html
    assert 'role="img"' in html
    assert 'id="table-mix-teams"' in html
    assert 'id="trend-chart"' in html
    assert 'id="table-trend"' in html
    assert "<style" not in html
    assert "style=" not in html  # the CSP forbids inline style: classes only
    assert 'href="/reports/"' in html  # the menu entry
    assert 'aria-current="page"' in html


def test_the_mix_csv_has_every_team_and_the_hours(
    pages_app: Flask, world: World, coached: dict[str, int]
) -> None:
    client = sign_in(pages_app, world, "cy")
    response = _get(client, "/reports/mix-teams.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:4] == ["Team", "On the job: hours", "From others: hours", "Formal: hours"]
    by_team = {row[0]: row for row in rows[1:]}
    # Coaching is learning from others: 30 and 45 minutes.
    assert by_team["Team North"][2] == "0.5"
    assert by_team["Team South"][2] == "0.8"
    assert by_team["Everyone in this report"][2] == "1.2"


def _body_rows(html: str, table_id: str) -> list[str]:
    """The rows of one table on the page (its tbody)."""
    table = html.split(f'id="table-{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", table.split("<tbody>", 1)[1], flags=re.S)


def test_long_tables_show_their_first_rows_and_link_the_whole_csv(
    pages_app: Flask, world: World, coached: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = sign_in(pages_app, world, "cy")
    whole = _csv_rows(_get(client, "/reports/coaching.csv"))[1:]
    assert len(whole) >= 2  # Bo and Hal, at least: more rows than the page will show
    monkeypatch.setattr(report_page, "PAGE_ROWS", 1)
    html = _get(client, "/reports/").get_data(as_text=True)
    shown = _body_rows(html, "coaching")
    assert len(shown) == 1
    assert f"The first 1 of {len(whole)} rows; the CSV has them all." in html
    assert 'id="coaching-shown"' in html
    assert 'id="csv-coaching"' in html
    # The per-person mix (by name) is not on the page at all, its count is.
    people = len(_csv_rows(_get(client, "/reports/mix-people.csv"))[1:])
    assert people >= 2
    assert f"{people} people: too many for one page." in html
    assert 'id="table-mix-people"' not in html
    # The teams' table is cut too: the chart's caption sends to its CSV.
    assert "the table's CSV has every team." in html
    # The CSV is still the whole table, and the shown row is its first.
    assert len(_csv_rows(_get(client, "/reports/coaching.csv"))[1:]) == len(whole)
    assert whole[0][0] in shown[0]
    # A table that fits shows every row and no such line.
    monkeypatch.setattr(report_page, "PAGE_ROWS", 200)
    html = _get(client, "/reports/").get_data(as_text=True)
    assert len(_body_rows(html, "coaching")) == len(whole)
    assert 'id="coaching-shown"' not in html


def test_dutch_csv_uses_semicolons_and_a_decimal_comma(
    pages_app: Flask, world: World, coached: dict[str, int]
) -> None:
    client = sign_in(pages_app, world, "cy", locale="nl")
    body = _get(client, "/reports/mix-teams.csv").get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.removeprefix("\ufeff").splitlines()
    assert ";" in lines[0]
    north = next(line for line in lines if line.startswith("Team North;"))
    assert north.split(";")[2] == "0,5"


def test_a_leader_sees_only_their_own_team(
    pages_app: Flask, world: World, coached: dict[str, int]
) -> None:
    client = sign_in(pages_app, world, "ada")
    html = _get(client, "/reports/").get_data(as_text=True)
    assert "Team North" in html
    assert _get(client, "/reports/", team=str(world.team)).status_code == 200
    for secret in ("Team South", "Gus Leader", "Hal Learner", "South secret talk"):
        assert secret not in html
    # Not in any table's CSV either.
    for table in ("overview", "mix-teams", "mix-people", "reach", "coaching", "formal", "trend"):
        response = _get(client, f"/reports/{table}.csv")
        assert response.status_code == 200, table
        text = response.get_data(as_text=True)
        assert "Team South" not in text
        assert "Hal Learner" not in text
        assert "Gus Leader" not in text


@pytest.mark.parametrize(
    "path",
    ["/reports/", "/reports/mix-teams.csv", "/reports/records/mix", "/reports/records/mix.csv"],
)
def test_another_team_is_not_found_for_a_leader_on_every_url(
    pages_app: Flask, world: World, coached: dict[str, int], path: str
) -> None:
    client = sign_in(pages_app, world, "ada")
    response = _get(client, path, team=str(world.other_team), key="social")
    assert response.status_code == 404
    assert "South" not in response.get_data(as_text=True)


def test_a_drill_down_key_naming_another_team_shows_none_of_its_records(
    pages_app: Flask, world: World, coached: dict[str, int]
) -> None:
    client = sign_in(pages_app, world, "ada")
    for key in (f"team:{world.other_team}:social", f"person:{world.people['hal']}:social"):
        for path in ("/reports/records/mix", "/reports/records/mix.csv"):
            response = _get(client, path, key=key)
            assert response.status_code in (200, 404)
            text = response.get_data(as_text=True)
            assert "South secret talk" not in text
            for statement_id in _statement_ids(pages_app, coached["south"]):
                assert statement_id not in text


def test_every_figure_drills_down_to_its_records_and_statement_ids(
    pages_app: Flask, world: World, coached: dict[str, int]
) -> None:
    client = sign_in(pages_app, world, "cy")
    html = _get(client, "/reports/").get_data(as_text=True)
    assert "/reports/records/mix?" in html
    response = _get(client, "/reports/records/mix", key=f"team:{world.team}:social")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The 70-20-10 mix: From others (20), one team" in page
    assert "North coaching" in page
    assert "South secret talk" not in page
    for statement_id in _statement_ids(pages_app, coached["north"]):
        assert statement_id in page
    rows = _csv_rows(_get(client, "/reports/records/mix.csv", key=f"team:{world.team}:social"))
    assert rows[0] == ["When", "Kind", "Who", "Title", "Hours", "LRS statement ids"]
    assert [r[3] for r in rows[1:]] == ["North coaching"]
    assert rows[1][2] == "Ada Leader"
    assert set(rows[1][5].split()) == set(_statement_ids(pages_app, coached["north"]))


@pytest.mark.parametrize(
    "path",
    ["/reports/", "/reports/overview.csv", "/reports/records/mix", "/reports/records/mix.csv"],
)
def test_a_learner_gets_no_report(pages_app: Flask, world: World, path: str) -> None:
    client = sign_in(pages_app, world, "bo")
    assert client.get(path).status_code == 403


def test_the_menu_offers_reports_to_leaders_and_lnd_only(pages_app: Flask, world: World) -> None:
    for who, shown in (("ada", True), ("cy", True), ("bo", False)):
        html = sign_in(pages_app, world, who).get("/me/").get_data(as_text=True)
        assert ('href="/reports/"' in html) is shown, who


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"period": "fortnight"}, "Choose a month, quarter, year or your own dates."),
        ({"period": "month", "at": "2026-13"}, "Enter the period as in 2026-11."),
        ({"period": "custom", "from": "2026-03-01", "to": "2026-02-01"}, "on or after"),
        ({"period": "quarter", "team": "north"}, "Choose a team from the list."),
        ({"period": "quarter", "kind": "gossip"}, "Choose kinds of record from the list."),
    ],
)
def test_bad_filters_are_a_400_that_says_what_to_write(
    pages_app: Flask, world: World, args: dict[str, str], message: str
) -> None:
    client = sign_in(pages_app, world, "cy")
    for path in ("/reports/", "/reports/mix-teams.csv", "/reports/records/mix"):
        response = client.get(path, query_string=args)
        assert response.status_code == 400, path
        html = response.get_data(as_text=True)
        assert "There is a problem" in html
        assert message in html
        assert "<title>Error:" in html


def test_unknown_tables_and_figures_are_not_found(pages_app: Flask, world: World) -> None:
    client = sign_in(pages_app, world, "cy")
    assert client.get("/reports/secrets.csv").status_code == 404
    assert client.get("/reports/records/salaries").status_code == 404
    assert client.get("/reports/records/salaries.csv").status_code == 404
    assert client.get("/reports/records/mix", query_string={"key": "x" * 500}).status_code == 400
    wrong = client.get("/reports/records/coaching", query_string={"key": "nobody"})
    assert wrong.status_code == 400
    assert "This figure has no such entry." in wrong.get_data(as_text=True)
    assert client.get("/reports/", query_string={"team": "999999"}).status_code == 404


def test_opening_the_records_behind_a_figure_is_in_each_named_persons_access_log(
    pages_app: Flask, world: World, coached: dict[str, int]
) -> None:
    """DESIGN section 9: Bo sees that the L&D admin opened his coaching record
    from a report, as when a record's own page is opened; the CSV counts too."""

    def views_of(person: str) -> list[tuple[int | None, str, str]]:
        with session_scope(pages_app) as session:
            return [
                (e.viewer_id, e.what.value, e.via.value)
                for e in session.scalars(
                    select(AccessLogEntry).where(AccessLogEntry.subject_id == world.people[person])
                )
            ]

    client = sign_in(pages_app, world, "cy")
    assert views_of("bo") == []
    key = f"team:{world.team}:social"
    assert _get(client, "/reports/records/mix", key=key).status_code == 200
    cy = world.people["cy"]
    assert views_of("bo") == [(cy, "record", "page")]
    assert views_of("ada") == [(cy, "record", "page")]  # the leader who recorded it
    assert _get(client, "/reports/records/mix.csv", key=key).status_code == 200
    assert len(views_of("bo")) == 2
    assert views_of("hal") == []  # the other team's record was not shown
