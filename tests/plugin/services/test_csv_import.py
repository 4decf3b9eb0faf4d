"""CSV import of past sessions: errors reported per row and column with
nothing stored, a large file imported once and only once, and the files
spreadsheet programs write (BOM, Windows-1252, semicolons) read or refused
in words."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.models import ImportedRow, LeaderLedRecord, OutboxRow, Person
from plugin.models.records import RecordKind
from plugin.services import csv_import
from tests.plugin.views.conftest import World, counts

HEADER = "kind,leader,team,occurred_at,minutes,people,topic,title,notes"


def _emails(app: Flask, world: World) -> None:
    with session_scope(app) as session:
        for key, person_id in world.people.items():
            session.get_one(Person, person_id).email = f"{key}@example.org"


def _import(app: Flask, data: bytes) -> tuple[csv_import.Plan, int]:
    """What the CLI and the page do: read, check and record, commit only without errors."""
    settings = app.config["LEADERLED"]
    with session_scope(app) as session:
        checked = csv_import.plan(session, csv_import.read(data), zone=ZoneInfo("UTC"))
        count = csv_import.apply(
            session,
            checked,
            publishing=csv_import.publisher(session, settings),
            now=datetime.now(UTC),
            imported_by=None,
        )
        if not checked.ok:
            session.rollback()
            return checked, 0
        return checked, count


def _row(
    day: int, *, kind: str = "coaching", people: str = "bo@example.org", extra: str = ""
) -> str:
    when = (datetime(2024, 1, 1) + timedelta(minutes=day)).strftime("%Y-%m-%d %H:%M")
    title = "Pricing" if kind == "knowledge_session" else ""
    return f"{kind},ada@example.org,north,{when},30,{people},products,{title},{extra}"


def test_three_bad_rows_are_named_by_row_and_column_and_nothing_is_stored(
    pages_app: Flask, world: World
) -> None:
    _emails(pages_app, world)
    lines = [HEADER] + [_row(i) for i in range(6)]
    lines[2] = lines[2].replace(",30,", ",thirty,")  # row 3: minutes
    lines[4] = lines[4].replace("bo@example.org", "nobody@example.org")  # row 5: people
    lines[6] = lines[6].replace("2024-01-01", "2199-01-01")  # row 7: occurred_at (future)
    before = counts(pages_app)
    checked, count = _import(pages_app, "\n".join(lines).encode())
    assert count == 0
    assert [(e.row, e.column) for e in checked.errors] == [
        (3, "minutes"),
        (5, "people"),
        (7, "occurred_at"),
    ]
    assert "nobody@example.org" in checked.errors[1].message
    assert counts(pages_app) == before


def test_rules_are_the_pages_rules(pages_app: Flask, world: World) -> None:
    _emails(pages_app, world)
    lines = [
        HEADER,
        _row(1, people="hal@example.org"),  # another team
        _row(2, kind="knowledge_session").replace(",Pricing,", ",,"),  # no title
        _row(3, kind="lecture"),
        "coaching,gus@example.org,north,2024-01-01 10:00,30,bo@example.org,products,,",
    ]
    checked, _count = _import(pages_app, "\n".join(lines).encode())
    assert [(e.row, e.column, e.message) for e in checked.errors] == [
        (2, "people", "Choose people from this course's team only."),
        (3, "title", "Enter a title."),
        (4, "kind", "Use coaching, mentoring, knowledge_session or ttt_session."),
        (5, "leader", "You are not a leader of this course."),
    ]


@pytest.mark.timeout(1200)  # 10,000 records through the services; minutes on a busy machine
def test_a_10000_row_file_imports_once_and_a_second_import_adds_nothing(
    pages_app: Flask, world: World
) -> None:
    _emails(pages_app, world)
    kinds = ("coaching", "mentoring", "knowledge_session")
    lines = [HEADER] + [
        _row(i, kind=kinds[i % 3], people="bo@example.org|12" if i % 2 else "dee@example.org")
        for i in range(10_000)
    ]
    data = "\n".join(lines).encode()
    started = time.monotonic()
    checked, count = _import(pages_app, data)
    first = time.monotonic() - started
    assert checked.errors == []
    assert count == 10_000
    with session_scope(pages_app) as session:
        assert session.scalar(select(func.count()).select_from(LeaderLedRecord)) == 10_000
        assert session.scalar(select(func.count()).select_from(ImportedRow)) == 10_000
        sessions = session.scalar(
            select(func.count())
            .select_from(LeaderLedRecord)
            .where(LeaderLedRecord.kind == RecordKind.KNOWLEDGE_SESSION)
        )
        assert sessions == 3333
    before = counts(pages_app)
    again, added = _import(pages_app, data)
    assert (added, again.already, again.errors) == (0, 10_000, [])
    assert counts(pages_app) == before
    print(f"10,000 rows imported in {first:.1f} s")


def test_a_row_repeated_in_one_file_is_imported_once(pages_app: Flask, world: World) -> None:
    _emails(pages_app, world)
    checked, count = _import(pages_app, "\n".join([HEADER, _row(1), _row(1)]).encode())
    assert (count, checked.already) == (1, 1)


def test_people_by_lms_id_and_the_only_team_of_the_leader(pages_app: Flask, world: World) -> None:
    data = (
        b"kind;leader;occurred_at;minutes;people;topic\n"
        b"mentoring;2;05-03-2024 14:30;45;11|12;services\n"
    )
    checked, count = _import(pages_app, data)
    assert (checked.errors, count) == ([], 1)
    with session_scope(pages_app) as session:
        row = session.scalars(select(LeaderLedRecord)).one()
        assert row.kind is RecordKind.MENTORING_SESSION
        assert row.team_id == world.team
        assert row.leader_id == world.people["ada"]
        assert sorted(p.person_id for p in row.participants) == sorted(
            [world.people["bo"], world.people["dee"]]
        )
        assert row.occurred_at.replace(tzinfo=UTC) == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 2


@pytest.mark.parametrize(
    ("name", "data", "title"),
    [
        ("utf-8 with BOM", "\ufeff{h}\n{r}".format, "Café"),
        ("windows-1252", "{h}\n{r}".format, "Café"),
        ("semicolons", "{h}\n{r}".format, "Prijzen; kortingen"),
    ],
)
def test_odd_encodings_are_read(
    pages_app: Flask, world: World, name: str, data, title: str
) -> None:  # type: ignore[no-untyped-def]
    _emails(pages_app, world)
    header = HEADER
    row = _row(1, kind="knowledge_session").replace(",Pricing,", f",{title},")
    if name == "semicolons":
        header = header.replace(",", ";")
        row = row.replace(",", ";").replace("Prijzen; kortingen", '"Prijzen; kortingen"')
    text = data(h=header, r=row)
    raw = text.encode("cp1252") if name == "windows-1252" else text.encode("utf-8")
    checked, count = _import(pages_app, raw)
    assert (checked.errors, count) == ([], 1)
    with session_scope(pages_app) as session:
        assert session.scalars(select(LeaderLedRecord.title)).one() == title


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (HEADER.encode("utf-16"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        (b"", "empty"),
        (b"kind,leader,colour\n", "Unknown columns: colour"),
        (b"kind,leader\n", "Missing columns: occurred_at, minutes"),
        (b"kind,\x81leader\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_unreadable_files_are_refused_in_words(data: bytes, message: str) -> None:
    with pytest.raises(csv_import.ImportRefused, match=message):
        csv_import.read(data)


def test_the_cli_checks_then_imports_with_a_progress_bar(
    pages_app: Flask, world: World, tmp_path: Path
) -> None:
    from plugin.cli import main

    _emails(pages_app, world)
    good = tmp_path / "past.csv"
    good.write_text("\n".join([HEADER, _row(1), _row(2)]), encoding="utf-8")
    runner = pages_app.test_cli_runner()
    first = runner.invoke(main, ["import", str(good)])
    assert first.exit_code == 0, first.output
    assert "Imported 2 records; 0 rows were already imported." in first.output
    second = runner.invoke(main, ["import", str(good)])
    assert "Imported 0 records; 2 rows were already imported." in second.output
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, _row(3).replace(",30,", ",x,")]), encoding="utf-8")
    refused = runner.invoke(main, ["import", str(bad)])
    assert refused.exit_code == 1
    assert "row 2, column minutes:" in refused.output
    assert "1 problems in the file; nothing was imported." in refused.output


TTT_HEADER = "kind,leader,team,occurred_at,minutes,trainer,people,title,notes"


def _ttt_row(day: int, *, trainer: str = "cy@example.org", people: str = "") -> str:
    when = (datetime.now(UTC) - timedelta(days=30, minutes=day)).strftime("%Y-%m-%d %H:%M")
    return f"ttt_session,ada@example.org,north,{when},90,{trainer},{people},Teaching adults {day},"


def test_ttt_sessions_with_errors_are_named_by_row_and_column(
    pages_app: Flask, world: World
) -> None:
    _emails(pages_app, world)
    lines = [TTT_HEADER] + [_ttt_row(i) for i in range(5)]
    lines[2] = _ttt_row(1, trainer="nobody@example.org")  # row 3: unknown trainer
    lines[3] = _ttt_row(2, people="bo@example.org")  # row 4: people is not for ttt
    lines[5] = _ttt_row(4, trainer="bo@example.org")  # row 6: not a trainer on offer
    before = counts(pages_app)
    checked, count = _import(pages_app, "\n".join(lines).encode())
    assert count == 0
    assert [(e.row, e.column) for e in checked.errors] == [
        (3, "trainer"),
        (4, "people"),
        (6, "trainer"),
    ]
    assert "Choose one of the people offered." in checked.errors[2].message
    assert counts(pages_app) == before


def test_a_good_ttt_file_imports_once(pages_app: Flask, world: World) -> None:
    _emails(pages_app, world)
    data = "\n".join([TTT_HEADER] + [_ttt_row(i) for i in range(4)]).encode()
    checked, count = _import(pages_app, data)
    assert checked.ok, checked.errors
    assert count == 4
    with session_scope(pages_app) as session:
        rows = session.scalars(
            select(LeaderLedRecord).where(LeaderLedRecord.kind == RecordKind.TTT_SESSION)
        ).all()
        assert len(rows) == 4
        assert {r.leader_id for r in rows} == {world.people["ada"]}
        assert {p.person_id for r in rows for p in r.participants} == {
            world.people["ada"],
            world.people["cy"],
        }
        outbox = session.scalar(select(func.count()).select_from(OutboxRow))
    again, second = _import(pages_app, data)
    assert again.ok
    assert second == 0
    assert again.already == 4
    with session_scope(pages_app) as session:
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == outbox


def test_a_trainer_is_only_for_ttt_rows(pages_app: Flask, world: World) -> None:
    _emails(pages_app, world)
    data = "\n".join([TTT_HEADER, _ttt_row(0).replace("ttt_session", "coaching", 1)]).encode()
    checked, _count = _import(pages_app, data)
    assert "trainer" in {e.column for e in checked.errors}
