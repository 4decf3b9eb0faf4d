"""Per table, how its rows relate to a person: the one place export and
erasure read (issue 13).

Every table of ``Base.metadata`` has exactly one entry (a test walks the
metadata), so a table added without one fails the suite. An entry is either
:func:`no_personal_data` (with the reason) or :func:`personal` with the
relations below; adding a table is one line, for example::

    personal("api_token", owner("person_id"), hidden=("token_hash",)),
    personal("pairing", mention("new_trainer_id"), mention("experienced_trainer_id")),
    no_personal_data("material", "the organisation's training material"),

Relations (what erasure does with matching rows in brackets):

- ``owner(column)``: the column holds the person's id; the rows are theirs [deleted].
- ``mention(column)``: the person is named in a row that belongs to others
  [the row is deleted, or with ``clear=True`` the column set to NULL].
- ``identifier(column)``: the column holds one of their identifier keys [deleted].
- ``statement(column)``: the column holds the id of a statement that names
  them (see :mod:`.subjects`) [deleted, after the statement was voided].
- ``part_of(column, parent)``: the row belongs to a ``parent`` row that is
  erased [deleted with it].
- ``through(link_table, link_column)``: rows the person's rows in
  ``link_table`` point at, shared with others (records they took part in)
  [left to a step of :mod:`.erasure` that removes their part].

``hidden`` columns are never exported (secrets). ``free_text`` columns are
exported where the text is the person's own, or where ``free_text_shared``
says the person may see it (a coaching note shown to the person coached).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.orm import Session

from plugin.db import Base
from plugin.models.records import RecordKind


class Erase(enum.StrEnum):
    DELETE = "delete"
    CLEAR = "clear"
    STEP = "step"


class Kind(enum.StrEnum):
    OWNER = "owner"
    MENTION = "mention"
    IDENTIFIER = "identifier"
    STATEMENT = "statement"
    PART_OF = "part_of"
    THROUGH = "through"


@dataclass(frozen=True)
class Relation:
    kind: Kind
    column: str
    erase: Erase
    # PART_OF: the parent table; THROUGH: the link table.
    other: str = ""
    # THROUGH: the link table's column that points at this table.
    other_column: str = ""


def owner(column: str = "person_id") -> Relation:
    return Relation(Kind.OWNER, column, Erase.DELETE)


def mention(column: str, *, clear: bool = False) -> Relation:
    return Relation(Kind.MENTION, column, Erase.CLEAR if clear else Erase.DELETE)


def identifier(column: str) -> Relation:
    return Relation(Kind.IDENTIFIER, column, Erase.DELETE)


def statement(column: str = "statement_id") -> Relation:
    return Relation(Kind.STATEMENT, column, Erase.DELETE)


def part_of(column: str, parent: str) -> Relation:
    return Relation(Kind.PART_OF, column, Erase.DELETE, other=parent)


def through(link_table: str, link_column: str) -> Relation:
    return Relation(Kind.THROUGH, "", Erase.STEP, other=link_table, other_column=link_column)


@dataclass(frozen=True)
class TablePolicy:
    table: str
    relations: tuple[Relation, ...] = ()
    hidden: frozenset[str] = frozenset()
    free_text: frozenset[str] = frozenset()
    free_text_shared: Callable[[Mapping[str, Any]], bool] | None = None
    why_none: str = ""

    @property
    def personal(self) -> bool:
        return bool(self.relations)


def personal(
    table: str,
    *relations: Relation,
    hidden: Sequence[str] = (),
    free_text: Sequence[str] = (),
    free_text_shared: Callable[[Mapping[str, Any]], bool] | None = None,
) -> TablePolicy:
    if not relations:
        raise ValueError(f"{table}: a personal table needs at least one relation")
    return TablePolicy(
        table, tuple(relations), frozenset(hidden), frozenset(free_text), free_text_shared
    )


def no_personal_data(table: str, why: str) -> TablePolicy:
    if not why:
        raise ValueError(f"{table}: say why the table holds no personal data")
    return TablePolicy(table, why_none=why)


#: Records whose notes the people in them see (DESIGN section 9: coaching and
#: mentoring notes are the leader's and the learner's), and confirmations,
#: whose comment the leader sees.
NOTES_SHARED = frozenset(
    {RecordKind.COACHING_MOMENT, RecordKind.MENTORING_SESSION, RecordKind.CONFIRMATION}
)


def _notes_shared(row: Mapping[str, Any]) -> bool:
    return row.get("kind") in NOTES_SHARED


POLICIES: tuple[TablePolicy, ...] = (
    # -- people --------------------------------------------------------------
    personal("person", owner("id")),
    personal("person_identifier", owner()),
    personal("membership", owner()),
    no_personal_data("team", "a course: its LMS context id, title and roster digest"),
    # -- LTI -----------------------------------------------------------------
    personal("lti_launch_session", owner(), hidden=("token_hash",)),
    no_personal_data("lti_platform", "an LMS the tool trusts, and its settings"),
    no_personal_data("lti_client", "a client id an LMS issued to the tool"),
    no_personal_data("lti_deployment", "a place the tool is installed in an LMS"),
    no_personal_data("lti_role_override", "how LTI roles map to tool roles"),
    no_personal_data("lti_tool_key", "the tool's own signing keys"),
    no_personal_data(
        "lti_login_state", "a login in flight: random state, nonce and a hash; minutes long"
    ),
    no_personal_data("lti_used_nonce", "spent nonces, kept until their token expires"),
    # -- the organisation's catalogue ---------------------------------------
    no_personal_data("topic_category", "the organisation's topic categories"),
    no_personal_data("company_value", "the organisation's values and priorities"),
    # -- records and statements ---------------------------------------------
    personal(
        "leader_led_record",
        owner("leader_id"),
        part_of("parent_id", "leader_led_record"),
        through("record_participant", "record_id"),
        free_text=("notes",),
        free_text_shared=_notes_shared,
    ),
    personal("record_participant", mention("person_id")),
    personal(
        "record_statement", part_of("record_id", "leader_led_record"), statement("statement_id")
    ),
    personal(
        "outbox",
        part_of("record_id", "leader_led_record"),
        statement("statement_id"),
        # The text may name other people too; the export lists ids, not texts.
        hidden=("statement_json", "last_error", "lease_owner"),
    ),
    personal("statement_subject", owner()),
    personal("gradebook_post", owner("person_id"), hidden=("last_error",)),
    no_personal_data("delivery_event", "counts of delivered statements per LRS"),
    # -- pulled from the LRS -------------------------------------------------
    personal("formal_record", owner(), identifier("actor_key")),
    no_personal_data("sync_cursor", "where each sync left off"),
    no_personal_data("worker_heartbeat", "which worker processes (host:pid) ran when"),
    # -- tips 3 to 5: library, trainers, expectations (issue 10) --------------
    personal("material", mention("created_by_id", clear=True)),
    no_personal_data("material_value", "which company values a material supports"),
    no_personal_data("material_topic", "which topics a material covers"),
    personal("trainer", owner("person_id")),
    personal(
        "trainer_pairing",
        mention("new_trainer_id"),
        mention("experienced_trainer_id"),
        mention("assigned_by_id", clear=True),
    ),
    personal(
        "feedback_request",
        owner("requester_id"),
        mention("reviewer_id"),
        free_text=("message",),
    ),
    personal("expectation", mention("created_by_id", clear=True)),
    personal("expectation_acknowledgement", owner("person_id")),
    personal("goal", owner("person_id")),
    # -- the JSON API and imports (issue 12) -------------------------------------
    personal(
        "api_token",
        owner("person_id"),
        mention("created_by_id", clear=True),
        hidden=("token_hash",),
    ),
    no_personal_data("api_token_team", "which teams a token is limited to"),
    personal(
        "idempotent_request",
        part_of("token_id", "api_token"),
        # The stored answer may name other people too; the export lists that it exists.
        hidden=("body", "request_hash"),
    ),
    personal(
        "imported_row",
        part_of("record_id", "leader_led_record"),
        mention("imported_by_id", clear=True),
    ),
    # -- privacy itself ------------------------------------------------------
    personal("access_log", owner("subject_id"), mention("viewer_id", clear=True)),
    personal("privacy_audit", mention("by_person_id", clear=True)),
    personal("privacy_settings", mention("updated_by", clear=True)),
    no_personal_data(
        "privacy_suppression", "sha256 hashes of erased identifiers, so they are not pulled again"
    ),
)


class Registry:
    def __init__(self, policies: Sequence[TablePolicy]) -> None:
        self.policies = {p.table: p for p in policies}
        if len(self.policies) != len(policies):
            raise ValueError("a table is listed twice in the privacy registry")

    def __getitem__(self, table: str) -> TablePolicy:
        return self.policies[table]

    def __contains__(self, table: object) -> bool:
        return table in self.policies

    def tables(self) -> list[Table]:
        """The personal tables, children before parents (erasure order)."""
        return [t for t in reversed(Base.metadata.sorted_tables) if self._personal(t.name)]

    def _personal(self, name: str) -> bool:
        policy = self.policies.get(name)
        return policy is not None and policy.personal


REGISTRY = Registry(POLICIES)


# -- which rows ---------------------------------------------------------------

#: Ids per IN query.
CHUNK = 500


@dataclass(frozen=True)
class Subject:
    """A person as the registry's relations need them."""

    person_id: int
    keys: frozenset[str] = frozenset()
    statement_ids: frozenset[str] = frozenset()


PrimaryKey = tuple[Any, ...]


@dataclass
class TableRows:
    """The rows of one table that relate to the person, and how."""

    table: Table
    rows: dict[PrimaryKey, dict[str, Any]] = field(default_factory=dict)
    how: dict[PrimaryKey, set[Relation]] = field(default_factory=dict)

    def add(self, row: Mapping[Any, Any], relation: Relation) -> None:
        key = tuple(row[c.name] for c in self.table.primary_key.columns)
        self.rows[key] = dict(row)
        self.how.setdefault(key, set()).add(relation)

    def keys_by(self, erase: Erase) -> list[PrimaryKey]:
        return [k for k, how in self.how.items() if any(r.erase is erase for r in how)]

    def erased_ids(self) -> list[Any]:
        """Single-column primary keys of the rows erasure deletes."""
        return [k[0] for k in self.keys_by(Erase.DELETE)]


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class Matcher:
    """Finds, per table, the rows related to one subject (memoised per table)."""

    def __init__(self, session: Session, subject: Subject, registry: Registry = REGISTRY) -> None:
        self.session = session
        self.subject = subject
        self.registry = registry
        self._found: dict[str, TableRows] = {}
        self._busy: set[str] = set()

    def all(self) -> dict[str, TableRows]:
        for table in self.registry.tables():
            self.rows(table.name)
        return {name: self._found[name] for name in sorted(self._found)}

    def rows(self, name: str) -> TableRows:
        if name in self._found:
            return self._found[name]
        if name in self._busy:
            raise ValueError(f"the privacy registry's relations of {name} go round in a circle")
        self._busy.add(name)
        table = Base.metadata.tables[name]
        found = TableRows(table)
        policy = self.registry[name]
        ordered = sorted(policy.relations, key=lambda r: r.kind is Kind.PART_OF)
        for relation in ordered:
            if relation.kind is Kind.PART_OF and relation.other == name:
                self._self_part_of(found, relation)
            else:
                for condition in self._conditions(table, relation):
                    for row in self.session.execute(select(table).where(condition)).mappings():
                        found.add(row, relation)
        self._busy.discard(name)
        self._found[name] = found
        return found

    def _self_part_of(self, found: TableRows, relation: Relation) -> None:
        """Rows whose parent is in this same table: follow down to the leaves."""
        table = found.table
        frontier = found.erased_ids()
        seen = set(frontier)
        while frontier:
            nxt: list[Any] = []
            for chunk in _chunks(frontier):
                rows = self.session.execute(
                    select(table).where(table.c[relation.column].in_(chunk))
                )
                for row in rows.mappings():
                    found.add(row, relation)
                    pk = row[next(iter(table.primary_key.columns)).name]
                    if pk not in seen:
                        seen.add(pk)
                        nxt.append(pk)
            frontier = nxt

    def _conditions(self, table: Table, relation: Relation) -> list[ColumnElement[bool]]:
        subject = self.subject
        if relation.kind in (Kind.OWNER, Kind.MENTION):
            return [table.c[relation.column] == subject.person_id]
        if relation.kind is Kind.IDENTIFIER:
            keys = sorted(subject.keys)
            return [table.c[relation.column].in_(chunk) for chunk in _chunks(keys)]
        if relation.kind is Kind.STATEMENT:
            ids = sorted(subject.statement_ids)
            return [table.c[relation.column].in_(chunk) for chunk in _chunks(ids)]
        if relation.kind is Kind.PART_OF:
            parents = self.rows(relation.other).erased_ids()
            return [table.c[relation.column].in_(chunk) for chunk in _chunks(parents)]
        if relation.kind is Kind.THROUGH:
            link = self.rows(relation.other)
            pointed = sorted({row[relation.other_column] for row in link.rows.values()} - {None})
            (pk,) = table.primary_key.columns
            return [pk.in_(chunk) for chunk in _chunks(pointed)]
        raise ValueError(f"unknown relation {relation.kind}")


def related_rows(
    session: Session, subject: Subject, registry: Registry = REGISTRY
) -> dict[str, TableRows]:
    """Every row of every personal table that relates to ``subject``."""
    return Matcher(session, subject, registry).all()
