"""Everything held about one person, as a ZIP of JSON and CSV (GDPR article 15).

The rows come from the privacy registry, table by table, so a table added
with its registry entry is exported without a change here. Secrets (token
hashes) are left out, and so is free text that is not the person's to see
(another leader's notes on a session they attended); statement texts are
listed by id, since one statement may name other people too.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from plugin.models.people import Person
from plugin.services.privacy.lookup import subject_of
from plugin.services.privacy.registry import REGISTRY, Kind, Registry, TablePolicy, related_rows
from plugin.services.spreadsheet_cells import as_text

FORMAT = "leaderled-export/1"

README = """\
Leaderled: your data / uw gegevens
==================================

leaderled-export.json holds everything Leaderled keeps about you, table by
table; tables/<table>.csv holds the same rows as CSV. "statement_subject"
lists the id of every xAPI statement sent to your organisation's Learning
Record Store (LRS) that names you. Notes that others wrote and you are not
shown in Leaderled are left out, and so are security tokens. In the CSV
files, text that starts with = + - or @ has an apostrophe in front, so that a
spreadsheet program shows it rather than running it as a formula.

leaderled-export.json bevat alles wat Leaderled over u bewaart, per tabel;
tables/<tabel>.csv bevat dezelfde rijen als CSV. "statement_subject" noemt
het id van elk xAPI-statement dat naar de Learning Record Store (LRS) van uw
organisatie is gestuurd en u noemt. Notities van anderen die u in Leaderled
niet ziet, en beveiligingstokens, zijn weggelaten. In de CSV-bestanden staat
een apostrof voor tekst die met = + - of @ begint, zodat een spreadsheet-
programma die als tekst toont en niet als formule uitvoert.
"""


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes
    rows: dict[str, int]  # table -> rows exported


def plain(value: Any) -> Any:
    """A JSON-ready value: times as ISO 8601, enums by value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _visible(
    policy: TablePolicy, row: Mapping[str, Any], kinds: set[Kind], columns: list[str]
) -> dict[str, Any]:
    shown = {}
    own_text = Kind.OWNER in kinds or (
        policy.free_text_shared is not None and policy.free_text_shared(row)
    )
    for name in columns:
        value = row[name]
        if name in policy.free_text and not own_text:
            value = None
        shown[name] = plain(value)
    return shown


def person_data(
    session: Session, person: Person, registry: Registry = REGISTRY
) -> dict[str, list[dict[str, Any]]]:
    """Table -> the person's rows as they may see them (every personal table, even empty)."""
    found = related_rows(session, subject_of(session, person), registry)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in registry.tables():
        policy = registry[table.name]
        columns = [c.name for c in table.columns if c.name not in policy.hidden]
        rows = found[table.name]
        tables[table.name] = [
            _visible(policy, rows.rows[key], {r.kind for r in rows.how[key]}, columns)
            for key in sorted(rows.rows, key=lambda k: tuple(str(part) for part in k))
        ]
    return tables


def _cell(value: Any) -> Any:
    """A value as a CSV cell; text (a title, a comment someone else wrote) never
    a formula (``spreadsheet_cells``)."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return as_text(value) if isinstance(value, str) else value


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return out.getvalue()


def export_person(
    session: Session, person: Person, *, now: datetime, registry: Registry = REGISTRY
) -> Export:
    """The ZIP: ``leaderled-export.json``, ``tables/<table>.csv`` and a README."""
    tables = person_data(session, person, registry)
    document = {
        "format": FORMAT,
        "exported_at": plain(now),
        "person_id": person.id,
        "tables": tables,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr(
            "leaderled-export.json", json.dumps(document, indent=2, ensure_ascii=False)
        )
        for table in registry.tables():
            policy = registry[table.name]
            columns = [c.name for c in table.columns if c.name not in policy.hidden]
            archive.writestr(f"tables/{table.name}.csv", _csv(tables[table.name], columns))
    return Export(
        filename=f"leaderled-export-{person.id}-{now:%Y%m%d}.zip",
        data=buffer.getvalue(),
        rows={name: len(rows) for name, rows in tables.items()},
    )
