"""Which local people each queued statement names.

Every statement passes through :func:`plugin.services.outbox.enqueue`, which
calls :func:`index_statements`: each agent in the statement (actor,
instructor, learner extension, context agents and groups) that resolves to a
local person gets a ``statement_subject`` row, and a voiding statement marks
its target voided. Erasure voids exactly these statements; the export lists
them. The outbox text may be purged after delivery; this index stays until
the person is erased.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from plugin.db import transaction_memo
from plugin.models.people import PersonIdentifier
from plugin.models.privacy import StatementSubject
from statements.identity import Identity
from statements.vocabulary import VOIDED

_IFI = ("account", "mbox", "mbox_sha1sum", "openid")
#: Keys per IN query (well under every database's parameter limit).
CHUNK = 500


def _agent_nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if any(key in node for key in _IFI):
            yield node
        for value in node.values():
            yield from _agent_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _agent_nodes(value)


def agent_keys(node: Any) -> set[str]:
    """Identity keys of every agent anywhere in ``node`` (a statement or part of one)."""
    keys = set()
    for found in _agent_nodes(node):
        identity = Identity.from_actor(found)
        if identity is not None:
            keys.add(identity.key())
    return keys


@dataclass(frozen=True)
class Named:
    """What one statement says about people."""

    statement_id: str
    actor: frozenset[str]
    everyone: frozenset[str]
    voids: str | None  # the id of the statement it voids


def read(statement: Mapping[str, Any]) -> Named:
    verb = statement.get("verb")
    target = statement.get("object")
    voids = None
    if (
        isinstance(verb, Mapping)
        and verb.get("id") == VOIDED.iri()
        and isinstance(target, Mapping)
        and target.get("objectType") == "StatementRef"
    ):
        voids = str(target.get("id", "")).lower() or None
    return Named(
        statement_id=str(statement["id"]).lower(),
        actor=frozenset(agent_keys(statement.get("actor"))),
        everyone=frozenset(agent_keys(dict(statement))),
        voids=voids,
    )


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


#: :func:`plugin.db.transaction_memo` of identity key -> person id, for the
#: people whose statement identity this transaction has already built
#: (:func:`plugin.services.people.statement_identity`), so indexing the
#: statements just built about them needs no lookup.
KNOWN_OWNERS = "known_owners"


def known_owner(session: Session, key: str, person_id: int | None) -> None:
    """Remember that identity ``key`` names ``person_id`` in this transaction
    (a person not yet flushed has no id: looked up as before)."""
    if person_id is not None:
        transaction_memo(session, KNOWN_OWNERS)[key] = person_id


def owners_of(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Identity key -> local person id, for the keys that name someone.

    A person's statement identity is always one of their identifiers too
    (launches and the roster link it), so one indexed lookup suffices; the
    keys this transaction built statements with are known without one.
    """
    known: dict[str, int] = transaction_memo(session, KNOWN_OWNERS)
    wanted = sorted(set(keys) - known.keys())
    found = {key: known[key] for key in set(keys) & known.keys()}
    for chunk in _chunks(wanted):
        found.update(
            session.execute(
                select(PersonIdentifier.key, PersonIdentifier.person_id).where(
                    PersonIdentifier.key.in_(chunk)
                )
            )
            .tuples()
            .all()
        )
    return found


def index_statements(session: Session, statements: Iterable[Mapping[str, Any]]) -> None:
    """Add a ``statement_subject`` row per local person each statement names,
    and mark the targets of voiding statements voided; in the caller's session."""
    named = [read(s) for s in statements]
    owners = owners_of(session, {key for n in named for key in n.everyone})
    rows: list[dict[str, Any]] = []
    for item in named:
        people: dict[int, bool] = {}
        for key in item.everyone:
            if key in owners:
                person = owners[key]
                people[person] = people.get(person, False) or key in item.actor
        rows += [
            {
                "statement_id": item.statement_id,
                "person_id": person,
                "actor": is_actor,
                "voiding": item.voids is not None,
                "voided": False,
            }
            for person, is_actor in people.items()
        ]
    if rows:
        session.execute(insert(cast(Table, StatementSubject.__table__)), rows)
    targets = sorted({n.voids for n in named if n.voids})
    for chunk in _chunks(targets):
        session.execute(
            update(StatementSubject)
            .where(StatementSubject.statement_id.in_(chunk))
            .values(voided=True)
            .execution_options(synchronize_session=False)
        )
