"""Importing past sessions from a CSV file (L&D, on behalf of leaders).

Each row is one record: a coaching moment, a mentoring talk, a knowledge
session, or a train-the-trainer session the leader attended (with the
trainer who ran it). People (the leader and the people coached or attending) are named
by email or by LMS user id; the team is the course's LMS context id, or
left empty when the leader leads one team only. Every row goes through the
same services as the pages, which check a row before they write it; every
problem is reported by row and column, and the caller commits the one
transaction only when no row had one: all or nothing. Each row leaves a
stable key (a digest of what it says), so importing the same file again
adds nothing.

Files from spreadsheet programs are read as they come: UTF-8 with or without
a byte order mark, or Windows-1252; comma or semicolon separated (Dutch
Excel writes semicolons). Anything else is refused with a message saying
how to save the file instead.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.config import Settings
from plugin.i18n import _
from plugin.models.catalogue import CompanyValue
from plugin.models.imports import ImportedRow
from plugin.models.people import Membership, Person, PersonIdentifier, Role, Team
from plugin.models.records import LeaderLedRecord
from plugin.services import knowledge, moments, train_the_trainer
from plugin.services.errors import Invalid, ServiceError
from plugin.services.people import Actor
from plugin.services.publishing import Publishing, publishing_for_team

KINDS = ("coaching", "mentoring", "knowledge_session", "ttt_session")
COMMON = (
    "kind",
    "leader",
    "team",
    "occurred_at",
    "minutes",
    "people",
    "topic",
    "value",
    "title",
    "notes",
)
SESSION_ONLY = ("material_title", "material_url")
TTT_ONLY = ("trainer",)
COLUMNS = COMMON + SESSION_ONLY + TTT_ONLY
#: What a train-the-trainer row cannot say (it has no people, topic or value).
NOT_FOR_TTT = ("people", "topic", "value", *SESSION_ONLY)
REQUIRED = ("kind", "leader", "occurred_at", "minutes")
#: Several people in one cell.
PEOPLE_SEPARATOR = "|"
#: Marks a row with more cells than the header has columns.
EXTRA = "\x00extra"
MAX_ROWS = 50_000
TIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d/%m/%Y",
)


class ImportRefused(ValueError):
    """The file as a whole cannot be read (encoding, separator, columns)."""


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file; the header is line 1
    column: str
    message: str


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[dict[str, str]]
    encoding: str
    delimiter: str


@dataclass
class PlannedRow:
    line: int
    key: str
    kind: str
    actor: Actor
    moment: moments.MomentInput | None = None
    session: knowledge.SessionInput | None = None
    ttt: train_the_trainer.TttInput | None = None


@dataclass
class Plan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    already: int = 0  # rows imported before (or repeated in this file)

    @property
    def ok(self) -> bool:
        return not self.errors


# -- reading ------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read as; refused in words otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(
            _('This file is UTF-16. Save it as "CSV UTF-8 (comma delimited)" and try again.')
        )
    if b"\x00" in data:
        raise ImportRefused(_("This is not a text file. Save the sheet as CSV and try again."))
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise ImportRefused(
            _(
                "The file is neither UTF-8 nor Windows-1252 text. Save it as "
                '"CSV UTF-8 (comma delimited)" and try again.'
            )
        ) from None


def _column(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def read(data: bytes) -> Table:
    """Parse a CSV file into rows keyed by (normalised) column names."""
    text, encoding = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused(_("The file is empty.")) from None
    except csv.Error as error:
        raise ImportRefused(_("The file cannot be read as CSV: %(why)s", why=str(error))) from None
    columns = tuple(_column(c) for c in header)
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise ImportRefused(
            _(
                "Unknown columns: %(names)s. The columns are: %(known)s.",
                names=", ".join(unknown),
                known=", ".join(COLUMNS),
            )
        )
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportRefused(_("Missing columns: %(names)s.", names=", ".join(missing)))
    if len(set(columns)) != len(columns):
        raise ImportRefused(_("A column appears twice in the header."))
    rows: list[dict[str, str]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                rows.append({})
                continue
            row = dict(zip(columns, [c.strip() for c in cells], strict=False))
            if len(cells) > len(columns):
                row[EXTRA] = "yes"
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise ImportRefused(
                    _("The file has more than %(max)d rows; split it.", max=MAX_ROWS)
                )
    except csv.Error as error:
        raise ImportRefused(_("The file cannot be read as CSV: %(why)s", why=str(error))) from None
    return Table(columns, rows, encoding, delimiter)


# -- checking -----------------------------------------------------------------


class _Directory:
    """Everyone and every team, looked up once per file, not once per row."""

    def __init__(self, session: Session) -> None:
        self.by_email: dict[str, set[int]] = {}
        self.by_lms_id: dict[str, set[int]] = {}
        for person_id, email in session.execute(select(Person.id, Person.email)):
            if email:
                self.by_email.setdefault(email.strip().lower(), set()).add(person_id)
        for person_id, kind, key in session.execute(
            select(PersonIdentifier.person_id, PersonIdentifier.kind, PersonIdentifier.key)
        ):
            if kind == "account":
                name = key.rsplit(" ", 1)[-1]
                self.by_lms_id.setdefault(name, set()).add(person_id)
            elif kind == "mbox" and key.startswith("mbox mailto:"):
                email = key.removeprefix("mbox mailto:").lower()
                self.by_email.setdefault(email, set()).add(person_id)
        self.teams: dict[str, set[int]] = {}
        for team_id, context_id in session.execute(select(Team.id, Team.context_id)):
            self.teams.setdefault(context_id, set()).add(team_id)
        self.led: dict[int, list[int]] = {}
        for person_id, team_id in session.execute(
            select(Membership.person_id, Membership.team_id)
            .where(Membership.role == Role.LEADER)
            .order_by(Membership.team_id)
        ):
            self.led.setdefault(person_id, []).append(team_id)
        self.values = {
            slug: value_id
            for value_id, slug in session.execute(select(CompanyValue.id, CompanyValue.slug))
        }

    def person(self, ref: str) -> tuple[int | None, str | None]:
        found = (
            self.by_email.get(ref.lower(), set()) if "@" in ref else self.by_lms_id.get(ref, set())
        )
        if not found:
            return None, _("Nobody with the email or LMS id %(ref)s.", ref=ref)
        if len(found) > 1:
            return None, _("%(ref)s names more than one person; use their email.", ref=ref)
        return next(iter(found)), None


def _when(text: str, zone: ZoneInfo) -> datetime | None:
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for pattern in TIME_FORMATS:
            try:
                parsed = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def row_key(values: Iterable[object]) -> str:
    text = "\x1f".join(str(v) for v in values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: Which column a service's field message belongs to.
FIELD_COLUMN = {"value": "value", "people": "people", "kind": "kind", "trainer": "trainer"}


def _parse_row(
    directory: _Directory, *, line: int, row: dict[str, str], zone: ZoneInfo
) -> tuple[PlannedRow | None, list[RowError]]:
    """What a row says, with its people resolved; the service checks the rest."""
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    if EXTRA in row:
        fail("", _("This row has more cells than the header has columns."))
        return None, errors
    kind = row.get("kind", "").lower()
    if kind not in KINDS:
        fail("kind", _("Use coaching, mentoring, knowledge_session or ttt_session."))
    leader_id, problem = (
        directory.person(row["leader"])
        if row.get("leader")
        else (None, _("Name the leader (email or LMS id)."))
    )
    if problem:
        fail("leader", problem)
    team_id: int | None = None
    team_ref = row.get("team", "")
    if team_ref:
        teams = directory.teams.get(team_ref, set())
        if len(teams) != 1:
            fail("team", _("No single course with the LMS context id %(ref)s.", ref=team_ref))
        else:
            team_id = next(iter(teams))
    elif leader_id is not None:
        led = directory.led.get(leader_id, [])
        if len(led) == 1:
            team_id = led[0]
        else:
            fail(
                "team",
                _(
                    "This leader leads %(count)d courses; name one (its LMS context id).",
                    count=len(led),
                ),
            )
    people: list[int] = []
    for ref in (p.strip() for p in row.get("people", "").split(PEOPLE_SEPARATOR)):
        if not ref:
            continue
        person_id, problem = directory.person(ref)
        if problem:
            fail("people", problem)
        elif person_id is not None:
            people.append(person_id)
    occurred_at = _when(row.get("occurred_at", ""), zone)
    if occurred_at is None:
        fail("occurred_at", _("Write the date and time as 2024-03-05 14:30."))
    minutes_text = row.get("minutes", "")
    minutes = int(minutes_text) if minutes_text.isdigit() else None
    if minutes is None:
        fail("minutes", _("Write the duration as a whole number of minutes, such as 30."))
    value_id = None
    if row.get("value"):
        value_id = directory.values.get(row["value"])
        if value_id is None:
            fail(
                "value", _("No company value or priority with the slug %(ref)s.", ref=row["value"])
            )
    if kind not in ("knowledge_session", "ttt_session") and (
        row.get("material_title") or row.get("material_url")
    ):
        fail("material_url", _("Material columns are for knowledge sessions only."))
    trainer_id: int | None = None
    if kind == "ttt_session":
        for column in NOT_FOR_TTT:
            if row.get(column):
                fail(column, _("Leave this column empty for a train-the-trainer session."))
        if not row.get("trainer"):
            fail("trainer", _("Name who ran the session (email or LMS id)."))
        else:
            trainer_id, problem = directory.person(row["trainer"])
            if problem:
                fail("trainer", problem)
    elif row.get("trainer"):
        fail("trainer", _("The trainer column is for train-the-trainer sessions only."))
    if errors or leader_id is None or occurred_at is None:
        return None, errors
    planned = PlannedRow(
        line, "", kind, Actor(person_id=leader_id, role=Role.LEADER, team_id=team_id)
    )
    if kind == "ttt_session":
        planned.ttt = train_the_trainer.TttInput(
            title=row.get("title", ""),
            trainer_id=trainer_id,
            minutes=minutes,
            occurred_at=occurred_at,
            notes=row.get("notes", ""),
        )
    elif kind == "knowledge_session":
        planned.session = knowledge.SessionInput(
            title=row.get("title", ""),
            topic=row.get("topic") or None,
            people=tuple(people),
            minutes=minutes,
            occurred_at=occurred_at,
            value_id=value_id,
            material_title=row.get("material_title", ""),
            material_url=row.get("material_url", ""),
            notes=row.get("notes", ""),
        )
    else:
        planned.moment = moments.MomentInput(
            kind="coaching" if kind == "coaching" else "mentoring",
            people=tuple(people),
            minutes=minutes,
            occurred_at=occurred_at,
            topic=row.get("topic") or None,
            value_id=value_id,
            title=row.get("title", ""),
            notes=row.get("notes", ""),
        )
    planned.key = row_key(
        [
            kind,
            leader_id,
            team_id,
            occurred_at.isoformat(),
            minutes,
            sorted(set(people)),
            row.get("topic", ""),
            value_id,
            " ".join(row.get("title", "").split()),
            row.get("material_title", ""),
            row.get("material_url", ""),
            row.get("notes", ""),
            *([trainer_id] if trainer_id is not None else []),
        ]
    )
    return planned, []


def plan(
    session: Session,
    table: Table,
    *,
    zone: ZoneInfo,
    on_row: Callable[[], None] | None = None,
) -> Plan:
    """Read every row and resolve its people; drop rows imported before. Writes nothing."""
    directory = _Directory(session)
    found = Plan()
    for index, row in enumerate(table.rows):
        if on_row:
            on_row()
        if not row:
            continue
        planned, errors = _parse_row(directory, line=index + 2, row=row, zone=zone)
        found.errors += errors
        if planned is not None:
            found.rows.append(planned)
    known = _known_keys(session, [r.key for r in found.rows])
    fresh: list[PlannedRow] = []
    for planned in found.rows:
        if planned.key in known:
            found.already += 1
        else:
            known.add(planned.key)
            fresh.append(planned)
    found.rows = fresh
    return found


def _known_keys(session: Session, keys: Sequence[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        known |= set(
            session.scalars(select(ImportedRow.row_key).where(ImportedRow.row_key.in_(chunk)))
        )
    return known


def apply(
    session: Session,
    checked: Plan,
    *,
    publishing: Callable[[int | None], Publishing],
    now: datetime,
    imported_by: int | None,
    on_row: Callable[[], None] | None = None,
) -> int:
    """Record every row through the services, in the caller's transaction.

    Each service checks its row before it writes anything, so one pass both
    checks and records: a refused row adds its messages to ``checked.errors``
    and the next row goes on, so every problem of the file is reported. The
    caller commits only when ``checked.ok`` after this (and rolls back
    otherwise): all or nothing. Returns the number of rows recorded.
    """
    count = 0
    with session.no_autoflush:  # the services flush what they write themselves
        for planned in checked.rows:
            if on_row:
                on_row()
            try:
                row = _record(session, planned, publishing(planned.actor.team_id), now)
            except Invalid as invalid:
                checked.errors += [
                    RowError(planned.line, FIELD_COLUMN.get(name, name), message)
                    for name, message in invalid.errors.items()
                ]
                continue
            except ServiceError as error:
                checked.errors.append(RowError(planned.line, "leader", error.message))
                continue
            session.add(
                ImportedRow(row_key=planned.key, record_id=row.id, imported_by_id=imported_by)
            )
            count += 1
    checked.errors.sort(key=lambda e: e.row)
    session.flush()
    return count


def _record(
    session: Session, planned: PlannedRow, pub: Publishing, now: datetime
) -> LeaderLedRecord:
    if planned.ttt is not None:
        return train_the_trainer.record_ttt(
            session, planned.actor, planned.ttt, pub=pub, now=now, today=now.date()
        )
    if planned.session is not None:
        return knowledge.record_session(
            session, planned.actor, data=planned.session, pub=pub, now=now
        )
    assert planned.moment is not None
    return moments.record_moment(session, planned.actor, data=planned.moment, pub=pub, now=now)


def publisher(session: Session, settings: Settings) -> Callable[[int | None], Publishing]:
    """How statements are written per team, looked up once per team."""
    cache: dict[int | None, Publishing] = {}

    def for_team(team_id: int | None) -> Publishing:
        if team_id not in cache:
            cache[team_id] = publishing_for_team(session, settings, team_id)
        return cache[team_id]

    return for_team


def imported_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ImportedRow)) or 0)
