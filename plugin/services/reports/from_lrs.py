"""The report figures from the LRS alone: ``leaderled report lrs``.

Reads statements (any iterable: the CLI passes the LRS's statement feed
through a progress bar), classifies each with
:mod:`statements.classification`, rebuilds the records they state (our
profile's templates say which kind each statement is) and the formal records
the sync would keep, and counts them with :mod:`.rows`. Nothing is read from
the database's records or formal records; statements do not name teams or
local people, so the roster (who is whom, who is in which team) comes from
:class:`Directory`. A record counts for its recorder's first team.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs_client import Page
from plugin.models.people import Membership, PersonIdentifier, Team
from plugin.models.records import ParticipantRole, RecordKind
from plugin.services.reports.collector import collector_paused
from plugin.services.reports.figures import Indicators
from plugin.services.reports.rows import FormalRow, RecordRow, Roster, compute_rows
from plugin.services.reports.scope import Scope
from statements import vocabulary as v
from statements.classification import Classification, Origin, canonical_verb, classify
from statements.identity import Identity
from statements.template_specs import TEMPLATES

#: Template slug -> the record kind it states (records of several statements
#: are keyed by their activity; the others by statement id).
_KINDS: dict[str, RecordKind] = {
    "knowledge-session-taught": RecordKind.KNOWLEDGE_SESSION,
    "mentoring-session-held": RecordKind.MENTORING_SESSION,
    "coaching-moment-given": RecordKind.COACHING_MOMENT,
    "train-the-trainer-attended": RecordKind.TTT_SESSION,
    "trainer-pairing-assigned": RecordKind.TRAINER_PAIRING,
    "feedback-given": RecordKind.FEEDBACK,
    "material-used": RecordKind.MATERIAL_USED,
    "material-shared": RecordKind.MATERIAL_SHARED,
    "expectations-acknowledged": RecordKind.EXPECTATION_ACKNOWLEDGED,
    "goal-set": RecordKind.GOAL_SET,
    "goal-met": RecordKind.GOAL_MET,
    "session-rated": RecordKind.CONFIRMATION,
}
_BY_ACTIVITY = frozenset(
    {
        RecordKind.KNOWLEDGE_SESSION,
        RecordKind.MENTORING_SESSION,
        RecordKind.COACHING_MOMENT,
        RecordKind.TTT_SESSION,
        RecordKind.TRAINER_PAIRING,
    }
)


@dataclass(frozen=True)
class Directory:
    """Local people by statement identity, and the roster."""

    people: Mapping[str, int]  # Identity.key() -> person id
    roster: Roster

    def first_team(self) -> dict[int, int]:
        teams: dict[int, int] = {}
        for person, team, _ in self.roster.memberships:
            teams[person] = min(team, teams.get(person, team))
        return teams

    @classmethod
    def load(cls, session: Session) -> Directory:
        """People and memberships (no records: those come from the LRS)."""
        people = dict(
            session.execute(select(PersonIdentifier.key, PersonIdentifier.person_id)).tuples().all()
        )
        memberships = tuple(
            session.execute(select(Membership.person_id, Membership.team_id, Membership.role))
            .tuples()
            .all()
        )
        return cls(people, Roster(memberships, tuple(session.scalars(select(Team.id)))))


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _activities(statement: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    context = statement.get("context")
    found = context.get("contextActivities") if isinstance(context, dict) else None
    items = found.get(key) if isinstance(found, dict) else None
    if isinstance(items, dict):
        items = [items]
    return [item for item in items or [] if isinstance(item, dict)]


def _slug_of(statement: Mapping[str, Any], key: str, activity_type: str) -> str | None:
    """The last path segment of the first ``key`` context activity of ``activity_type``."""
    for item in _activities(statement, key):
        definition = item.get("definition")
        kind = definition.get("type") if isinstance(definition, dict) else None
        if kind == activity_type and isinstance(item.get("id"), str):
            return str(item["id"]).rstrip("/").rsplit("/", 1)[-1]
    return None


def _agent_key(value: object) -> str | None:
    if not isinstance(value, dict):
        return None
    identity = Identity.from_actor(value)
    return identity.key() if identity is not None else None


@dataclass
class _Building:
    key: str
    kind: RecordKind
    owner: int
    at: datetime
    seconds: int | None = None
    topic: str | None = None
    value: str | None = None
    rating: int | None = None
    parent: str | None = None
    people: dict[tuple[int, ParticipantRole], None] = field(default_factory=dict)


class _Part(NamedTuple):
    """What one of our statements adds to its record, worked out when the statement
    arrives and applied once every void is known. Keeping these small tuples rather
    than the statements themselves matters: tens of thousands of held statement
    dicts made the garbage collector walk them again and again while pulling."""

    statement_id: str
    kind: RecordKind | None  # None: attendance of the knowledge session ``key``
    key: str
    actor: int
    at: datetime
    seconds: int | None
    topic: str | None
    value: str | None
    people: tuple[tuple[int, ParticipantRole], ...]
    parent: str | None
    rating: int | None


class Rebuilder:
    """Turns statements, one at a time, into the rows :func:`compute_rows` counts."""

    def __init__(self, directory: Directory, profile_base: str) -> None:
        self.directory = directory
        self.base = v.normalise_base(profile_base)
        self.templates: dict[tuple[str, str], str] = {}
        for spec in TEMPLATES:
            verb = canonical_verb(spec.verb.iri(self.base))
            for term in filter(None, (spec.object_type, *spec.object_types_any)):
                self.templates[(verb, term.iri(self.base))] = spec.slug
        self.topic_type = v.TOPIC_CATEGORY.iri(self.base)
        self.value_type = v.COMPANY_VALUE.iri(self.base)
        self.learner = v.LEARNER.iri(self.base)
        self.records: dict[str, _Building] = {}
        self.attendees: dict[str, set[int]] = {}
        self.formal: dict[str, FormalRow] = {}
        self.voided: set[str] = set()
        self.parts: list[_Part] = []
        self.statements = 0

    def person(self, key: str | None) -> int | None:
        return self.directory.people.get(key) if key else None

    def add(self, statement: Mapping[str, Any]) -> None:
        self.statements += 1
        c = classify(statement, profile_base=self.base)
        if c.voids:
            self.voided.add(c.voids.lower())
            return
        if c.statement_id is None:
            return
        if c.origin is Origin.FORMAL:
            self._formal(c)
        elif c.origin is Origin.LEADER_LED:
            # Applied at the end: a void may come after the statement it voids.
            part = self._part(statement, c)
            if part is not None:
                self.parts.append(part)

    def _formal(self, c: Classification) -> None:
        if not (c.is_outcome or c.starts_attempt or c.spent_time):
            return  # what the sync does not keep either
        person = self.person(c.actor.key() if c.actor else None)
        if person is None or c.statement_id is None:
            return
        self.formal[c.statement_id] = FormalRow(
            statement_id=c.statement_id,
            person=person,
            verb=c.verb or "",
            kind=c.kind.value,
            success=c.success,
            completion=c.completion,
            is_outcome=c.is_outcome,
            seconds=c.duration_seconds,
            registration=c.registration[:64] if c.registration else None,
            at=_when(c.timestamp),
        )

    def _part(self, statement: Mapping[str, Any], c: Classification) -> _Part | None:
        """What ``statement`` adds to a record, or None when it adds to no figure."""
        assert c.statement_id is not None
        slug = self.templates.get((c.verb or "", c.activity_type or ""))
        actor = self.person(c.actor.key() if c.actor else None)
        at = _when(c.timestamp)
        if slug is None or actor is None or at is None or c.activity_id is None:
            return None
        if slug == "knowledge-session-attended":
            return _Part(
                c.statement_id, None, c.activity_id, actor, at, None, None, None, (), None, None
            )
        kind = _KINDS.get(slug)
        if kind is None:  # a confirmation without a rating counts in no figure
            return None
        context = statement.get("context")
        context = context if isinstance(context, dict) else {}
        # Who else took part, looked up only for the kinds that have them.
        people: tuple[tuple[int, ParticipantRole], ...] = ()
        parent = rating = None
        if kind in (RecordKind.COACHING_MOMENT, RecordKind.MENTORING_SESSION):
            learner = self._learner(context)
            if learner:
                people = ((learner, ParticipantRole.LEARNER),)
        elif kind is RecordKind.TTT_SESSION:
            instructor = self.person(_agent_key(context.get("instructor")))
            if instructor is not None:
                people = ((instructor, ParticipantRole.EXPERIENCED_TRAINER),)
            people += ((actor, ParticipantRole.NEW_TRAINER),)
        elif kind is RecordKind.TRAINER_PAIRING:
            learner = self._learner(context)
            instructor = self.person(_agent_key(context.get("instructor")))
            if learner is not None:
                people = ((learner, ParticipantRole.NEW_TRAINER),)
            if instructor is not None:
                people += ((instructor, ParticipantRole.EXPERIENCED_TRAINER),)
        elif kind is RecordKind.FEEDBACK:
            instructor = self.person(_agent_key(context.get("instructor")))
            if instructor is not None:
                people = ((instructor, ParticipantRole.NEW_TRAINER),)
        elif kind is RecordKind.CONFIRMATION:
            parent = c.activity_id
            raw = c.score.raw if c.score else None
            rating = int(raw) if raw is not None else None
        return _Part(
            statement_id=c.statement_id,
            kind=kind,
            key=c.activity_id if kind in _BY_ACTIVITY else c.statement_id,
            actor=actor,
            at=at,
            seconds=round(c.duration_seconds) if c.duration_seconds is not None else None,
            topic=_slug_of(statement, "category", self.topic_type),
            value=_slug_of(statement, "grouping", self.value_type),
            people=people,
            parent=parent,
            rating=rating,
        )

    def _learner(self, context: Mapping[str, Any]) -> int | None:
        extensions = context.get("extensions")
        if not isinstance(extensions, dict):
            return None
        return self.person(_agent_key(extensions.get(self.learner)))

    def _apply(self, part: _Part) -> None:
        """Adds ``part`` to its record; the first statement of a record makes it."""
        if part.kind is None:
            self.attendees.setdefault(part.key, set()).add(part.actor)
            return
        record = self.records.get(part.key)
        if record is None:
            record = _Building(
                key=part.key,
                kind=part.kind,
                owner=part.actor,
                at=part.at,
                seconds=part.seconds,
                topic=part.topic,
                value=part.value,
            )
            self.records[part.key] = record
        for person in part.people:
            record.people[person] = None
        if part.kind is RecordKind.CONFIRMATION:
            record.parent = part.parent
            record.rating = part.rating

    def rows(self) -> tuple[list[RecordRow], list[FormalRow], Roster]:
        for part in self.parts:
            if part.statement_id not in self.voided:
                self._apply(part)
        self.parts = []
        teams = self.directory.first_team()
        records = []
        for r in self.records.values():
            people = list(r.people)
            if r.kind is RecordKind.KNOWLEDGE_SESSION:
                attendees = sorted(self.attendees.get(r.key, ()))
                people += [(p, ParticipantRole.ATTENDEE) for p in attendees]
            records.append(
                RecordRow(
                    key=r.key,
                    kind=r.kind,
                    owner=r.owner,
                    team=teams.get(r.owner),
                    at=r.at,
                    seconds=r.seconds,
                    topic=r.topic,
                    value=r.value,
                    rating=r.rating,
                    parent=r.parent,
                    people=tuple(people),
                )
            )
        formal = [f for sid, f in self.formal.items() if sid not in self.voided]
        return records, formal, self.directory.roster


@collector_paused()
def compute_from_statements(
    scope: Scope,
    statements: Iterable[Mapping[str, Any]],
    directory: Directory,
    *,
    profile_base: str,
    now: datetime | None = None,
) -> Indicators:
    """Every indicator for ``scope`` from statements alone (plus the roster).

    The garbage collector is paused meanwhile: decoded statements are acyclic
    and freed as each is classified, while the collector kept walking what the
    rebuilder holds."""
    rebuilder = Rebuilder(directory, profile_base)
    for statement in statements:
        rebuilder.add(statement)
    records, formal, roster = rebuilder.rows()
    return compute_rows(scope, records, formal, roster, now=now)


_DONE = object()
_T = TypeVar("_T")


def pulled(
    query: Iterable[Page], progress: Callable[[int], object] | None = None
) -> Iterator[dict[str, Any]]:
    """Every statement of ``query``'s pages (``StatementQuery.pages()``), the pages read
    ahead by :func:`prefetched`; ``progress`` is told each page's size. Whole pages
    cross between the threads: a queue hand-over per statement took two lock round
    trips, and often a GIL switch, for every statement."""
    for page in prefetched(query):
        if progress is not None:
            progress(len(page.statements))
        yield from page.statements


def prefetched(items: Iterable[_T], depth: int = 4) -> Iterator[_T]:
    """``items`` (an LRS's pages), read ahead by a thread: while this thread classifies,
    the reader waits for the LRS's next page (the socket wait releases the GIL), so
    paging and classifying overlap. An error in the reader is raised here."""
    found: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                found.put(item)
            found.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            found.put(error)

    reader = threading.Thread(target=read, name="report-lrs-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = found.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while reader.is_alive():  # let a blocked put finish
            try:
                found.get_nowait()
            except queue.Empty:
                reader.join(0.05)
