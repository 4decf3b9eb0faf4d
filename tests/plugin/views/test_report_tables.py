"""CSV downloads: UTF-8 with a BOM, ``;`` and a decimal comma in Dutch, and
a name from the LMS never opens as a formula."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from plugin.views.report_tables import Column, Format, Row, Table, cell_text, to_csv

TABLE = Table(
    "mix",
    "The mix",
    (
        Column("team", "Team"),
        Column("records", "Records", Format.COUNT),
        Column("hours", "Hours", Format.DECIMAL),
        Column("share", "Share", Format.PERCENT),
    ),
    (
        Row({"team": "Noord, Zuid & Één", "records": 3, "hours": 1.25, "share": 62.5}),
        Row({"team": '=HYPERLINK("x")', "records": 0, "hours": None, "share": 0}),
    ),
)


def test_english_csv_has_a_bom_commas_and_decimal_points() -> None:
    text = to_csv(TABLE, "en")
    assert text.startswith("\ufeffTeam,Records,Hours,Share\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1] == ["Noord, Zuid & Één", "3", "1.2", "62.5"]


def test_dutch_csv_uses_semicolons_and_a_decimal_comma() -> None:
    text = to_csv(TABLE, "nl")
    body = text.removeprefix("\ufeff")
    assert body.splitlines()[0] == "Team;Records;Hours;Share"
    assert body.splitlines()[1] == "Noord, Zuid & Één;3;1,2;62,5"
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_a_cell_that_looks_like_a_formula_is_quoted_and_empty_figures_stay_empty() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(TABLE, "en").removeprefix("\ufeff"))))
    assert rows[2] == ['\'=HYPERLINK("x")', "0", "", "0.0"]


def test_page_cells_use_the_languages_marks() -> None:
    assert cell_text(1234.56, Format.DECIMAL, "en") == "1,234.6"
    assert cell_text(1234.56, Format.DECIMAL, "nl") == "1.234,6"
    assert cell_text(12345, Format.COUNT, "nl") == "12.345"
    assert cell_text(50, Format.PERCENT, "nl") == "50,0%"
    assert cell_text(None, Format.COUNT, "en") == "–"
    assert cell_text("Team <North>", Format.TEXT, "en") == "Team <North>"  # Jinja escapes it


def test_a_table_cut_for_a_page_is_no_csv() -> None:
    cut = dataclasses.replace(TABLE, rows=TABLE.rows[:1], total=2)
    assert cut.count == 2
    with pytest.raises(ValueError, match="holds 1 of 2 rows"):
        to_csv(cut, "en")
    assert to_csv(dataclasses.replace(TABLE, total=2), "en") == to_csv(TABLE, "en")
