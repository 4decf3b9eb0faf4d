"""A report's tables, one shape for the page and for its CSV download, so the
file always holds exactly what the page shows (and nothing the scope hides).

CSV is what spreadsheet programs open by double-click: UTF-8 with a byte
order mark (or Excel guesses the legacy code page and breaks "é"), and in
Dutch the separator is ``;`` with a decimal comma, as a Dutch Excel
expects. A cell that starts like a formula (``=``, ``+``, ``-``, ``@``) is
quoted with a leading apostrophe: team and person names come from the LMS.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol

from plugin.services.spreadsheet_cells import as_text

BOM = "\ufeff"


class Format(enum.StrEnum):
    TEXT = "text"
    COUNT = "count"
    DECIMAL = "decimal"  # one decimal: hours, averages
    PERCENT = "percent"  # 0..100, one decimal


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy string or plain text
    format: Format = Format.TEXT

    @property
    def numeric(self) -> bool:
        return self.format is not Format.TEXT


@dataclass(frozen=True)
class Row:
    cells: dict[str, Any]
    #: column key -> URL of the records behind that figure
    drill: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    id: str  # the anchor on the page and the CSV's name
    caption: Any
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    note: Any = None
    #: Rows in the whole table when ``rows`` holds only the first of them (a page).
    total: int | None = None

    @property
    def count(self) -> int:
        """Rows in the whole table, shown or not."""
        return len(self.rows) if self.total is None else self.total


@cache
def _symbols(language: str) -> tuple[str, str]:
    """(decimal mark, group separator) of ``language``."""
    try:
        found = Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        found = Locale.parse("en")
    return get_decimal_symbol(found), get_group_symbol(found)


def cell_text(value: Any, fmt: Format, language: str) -> str:
    """A figure as the page shows it: grouped thousands, one decimal, the
    language's marks; "–" for a figure that does not apply. Plain string
    formatting with the locale's two symbols: a report has thousands of cells."""
    if value is None or value == "":
        return "–"
    if fmt is Format.TEXT:
        return str(value)
    decimal, group = _symbols(language)
    text = f"{int(value):,}" if fmt is Format.COUNT else f"{float(value):,.1f}"
    text = text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)
    return text + "%" if fmt is Format.PERCENT else text


def csv_dialect(language: str) -> tuple[str, str]:
    """(separator, decimal mark) a spreadsheet program in this language expects."""
    return (";", ",") if language == "nl" else (",", ".")


def number_text(value: Any, fmt: Format, decimal_mark: str = ".") -> str:
    """A figure as a CSV cell: whole numbers as they are, the rest with one decimal."""
    if value is None or value == "":
        return ""
    if fmt is Format.COUNT:
        return str(int(value))
    text = f"{float(value):.1f}"
    return text.replace(".", decimal_mark)


def to_csv(table: Table, language: str) -> str:
    """The table as CSV text, BOM first; labels in the page's language. Only a
    whole table: one built for a page holds its first rows alone."""
    if table.count != len(table.rows):
        raise ValueError(f"table {table.id!r} holds {len(table.rows)} of {table.count} rows")
    separator, decimal_mark = csv_dialect(language)
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow([str(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                number_text(row.cells.get(c.key), c.format, decimal_mark)
                if c.numeric
                else as_text(str(row.cells.get(c.key, "") or ""))
                for c in table.columns
            ]
        )
    return out.getvalue()


def find(tables: Sequence[Table], table_id: str) -> Table | None:
    return next((t for t in tables if t.id == table_id), None)
