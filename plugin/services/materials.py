"""Tip 4, easy-to-use training material: the library L&D keeps, and what
leaders do with it (find, open, share, attach to a knowledge session).

A material is an activity with a fixed IRI. Opening one records "used"
(once a day per leader and material, so a re-opened tab is not a second
use); sharing records "shared" with the people it went to as participants,
so it shows on their learning record. Who may see what: leaders and L&D see
the library; a learner sees only what was shared with them; anyone else is
told the material does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from plugin.i18n import _
from plugin.models.catalogue import CompanyValue, TopicCategory, ValueKind
from plugin.models.material import Material, MaterialKind, material_topic, material_value
from plugin.models.people import Membership, Person, Role
from plugin.models.records import (
    LeaderLedRecord,
    ParticipantRole,
    RecordKind,
    RecordParticipant,
    RecordState,
)
from plugin.services import recording
from plugin.services.catalogue import value_ref
from plugin.services.errors import Checks, Invalid, NotFound
from plugin.services.people import Actor, members_among, require_leader_of, statement_identity
from plugin.services.publishing import Publishing
from plugin.services.record_queries import in_teams
from plugin.services.roles import require_leader, require_lnd_admin
from plugin.services.uploads import CheckedUpload, FileStore, Upload, check_upload
from statements.builders import Material as MaterialRef
from statements.builders import MaterialEvent, Statement, Text, material_event
from statements.validation.iri import iri_problem

LANGUAGES = ("en", "nl", "de", "fr")
MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_URL = 1000
MAX_RECIPIENTS = 500
PAGE_SIZE = 20


@dataclass(frozen=True)
class MaterialInput:
    title: str
    kind: str
    language: str
    description: str = ""
    url: str = ""
    value_ids: tuple[int, ...] = ()
    topic_ids: tuple[int, ...] = ()
    upload: Upload | None = None


@dataclass(frozen=True)
class _Checked:
    title: str
    kind: MaterialKind
    language: str
    description: str
    url: str
    values: list[CompanyValue]
    topics: list[TopicCategory]
    upload: CheckedUpload | None


def _text(checks: Checks, field: str, value: str, limit: int, *, required: bool) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        checks.fail(field, _("Enter a title."))
    elif len(text) > limit:
        checks.fail(field, _("The title must be %(max)d characters or fewer.", max=limit))
    elif not text.isprintable():
        checks.fail(field, _("The title contains characters that cannot be shown."))
    return text


def _check(
    session: Session,
    data: MaterialInput,
    *,
    max_bytes: int,
    has_file: bool,
) -> _Checked:
    checks = Checks()
    title = _text(checks, "title", data.title, MAX_TITLE, required=True)
    if data.kind not in set(MaterialKind):
        checks.fail("kind", _("Choose what kind of material this is."))
    if data.language not in LANGUAGES:
        checks.fail("language", _("Choose the language of the material."))
    description = (data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        checks.fail(
            "description",
            _("The description must be %(max)d characters or fewer.", max=MAX_DESCRIPTION),
        )
    elif not all(ch.isprintable() or ch in "\r\n\t" for ch in description):
        checks.fail("description", _("The description contains characters that cannot be shown."))
    url = (data.url or "").strip()
    if url:
        if len(url) > MAX_URL:
            checks.fail("url", _("The link must be 1000 characters or fewer."))
        elif iri_problem(url) or not url.lower().startswith(("http://", "https://")):
            checks.fail(
                "url",
                _(
                    "Enter a full web address starting with https://, such as https://intranet.example.org/guide."
                ),
            )
    upload = None
    if data.upload is not None and (data.upload.name or data.upload.data):
        if url:
            checks.fail("url", _("Give a link or upload a file, not both."))
        else:
            upload = check_upload(checks, "file", data.upload, max_bytes)
    elif not url and not has_file:
        checks.fail("url", _("Enter a link to the material, or upload a file."))
    values = _values(session, data.value_ids)
    if len(values) != len(set(data.value_ids)):
        checks.fail("values", _("Choose values and priorities from the list."))
    topics = _topics(session, data.topic_ids)
    if len(topics) != len(set(data.topic_ids)):
        checks.fail("topics", _("Choose topics from the list."))
    checks.raise_if_any()
    return _Checked(
        title, MaterialKind(data.kind), data.language, description, url, values, topics, upload
    )


def _values(session: Session, ids: Sequence[int]) -> list[CompanyValue]:
    wanted = set(ids)
    if not wanted:
        return []
    return list(
        session.scalars(
            select(CompanyValue).where(
                CompanyValue.id.in_(wanted), CompanyValue.retired_at.is_(None)
            )
        )
    )


def _topics(session: Session, ids: Sequence[int]) -> list[TopicCategory]:
    wanted = set(ids)
    if not wanted:
        return []
    return list(
        session.scalars(
            select(TopicCategory).where(
                TopicCategory.id.in_(wanted), TopicCategory.retired_at.is_(None)
            )
        )
    )


def _apply(material: Material, checked: _Checked, store: FileStore | None) -> str | None:
    """Copy the checked fields; returns the key of a file that is no longer used."""
    material.title = checked.title
    material.kind = checked.kind
    material.language = checked.language
    material.description = checked.description or None
    material.values = list(checked.values)
    material.topics = list(checked.topics)
    dropped = None
    if checked.upload is not None:
        if store is None:
            raise ValueError("an uploaded file needs a FileStore")
        dropped = material.file_key
        material.file_key = store.save(checked.upload.data)
        material.file_name = checked.upload.name
        material.file_type = checked.upload.content_type
        material.file_size = checked.upload.size
        material.file_sha256 = checked.upload.sha256
        material.url = None
    elif checked.url:
        dropped = material.file_key
        material.url = checked.url
        material.file_key = material.file_name = material.file_type = None
        material.file_size = None
        material.file_sha256 = None
    return dropped


def create_material(
    session: Session,
    actor: Actor,
    data: MaterialInput,
    *,
    store: FileStore | None,
    max_bytes: int,
    site: str,
) -> Material:
    """A new library entry; an uploaded file is written only once every check passed
    (the caller removes it again if the transaction fails: ``material.file_key``)."""
    require_lnd_admin(actor)
    checked = _check(session, data, max_bytes=max_bytes, has_file=False)
    key = str(uuid.uuid4())
    material = Material(key=key, iri=f"{site}/materials/{key}", created_by_id=actor.person_id)
    _apply(material, checked, store)
    session.add(material)
    session.flush()
    return material


def update_material(
    session: Session,
    actor: Actor,
    material_id: int,
    data: MaterialInput,
    *,
    store: FileStore | None,
    max_bytes: int,
) -> tuple[Material, str | None]:
    """The changed material, and the key of the file it no longer uses (delete it after commit)."""
    require_lnd_admin(actor)
    material = session.get(Material, material_id)
    if material is None:
        raise NotFound(_("There is no such material."))
    checked = _check(session, data, max_bytes=max_bytes, has_file=material.has_file)
    dropped = _apply(material, checked, store)
    session.flush()
    return material, dropped


def set_retired(
    session: Session, actor: Actor, material_id: int, *, retired: bool, now: datetime
) -> Material:
    require_lnd_admin(actor)
    material = session.get(Material, material_id)
    if material is None:
        raise NotFound(_("There is no such material."))
    material.retired_at = (material.retired_at or now) if retired else None
    session.flush()
    return material


# -- finding --------------------------------------------------------------


@dataclass(frozen=True)
class LibraryFilter:
    text: str = ""
    value_id: int | None = None
    priority_id: int | None = None
    topic: str = ""
    language: str = ""
    kind: str = ""
    page: int = 1
    with_retired: bool = False


@dataclass(frozen=True)
class LibraryPage:
    rows: list[Material]
    total: int
    page: int
    pages: int


def _filtered(chosen: LibraryFilter) -> Select[tuple[Material]]:
    query = select(Material)
    if not chosen.with_retired:
        query = query.where(Material.retired_at.is_(None))
    words = chosen.text.split()[:8]
    for word in words:
        pattern = "%" + word.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(
            or_(
                func.lower(Material.title).like(pattern),
                func.lower(func.coalesce(Material.description, "")).like(pattern),
            )
        )
    for value_id in (chosen.value_id, chosen.priority_id):
        if value_id is not None:
            query = query.where(
                exists().where(
                    material_value.c.material_id == Material.id,
                    material_value.c.value_id == value_id,
                )
            )
    if chosen.topic:
        query = query.where(
            exists().where(
                material_topic.c.material_id == Material.id,
                material_topic.c.topic_id == TopicCategory.id,
                TopicCategory.slug == chosen.topic,
            )
        )
    if chosen.language in LANGUAGES:
        query = query.where(Material.language == chosen.language)
    if chosen.kind in set(MaterialKind):
        query = query.where(Material.kind == MaterialKind(chosen.kind))
    return query


def search(session: Session, chosen: LibraryFilter) -> LibraryPage:
    """A page of the library, newest first; unknown filter values are ignored."""
    query = _filtered(chosen)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(chosen.page, 1), pages)
    rows = list(
        session.scalars(
            query.options(selectinload(Material.values), selectinload(Material.topics))
            .order_by(Material.retired_at.is_not(None), Material.created_at.desc(), Material.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return LibraryPage(rows, int(total), page, pages)


def active_materials(session: Session) -> Sequence[Material]:
    """What a leader can attach to a knowledge session, by title."""
    return session.scalars(
        select(Material).where(Material.retired_at.is_(None)).order_by(Material.title)
    ).all()


def _share_of(person_id: int, iri: str) -> Select[tuple[int]]:
    """An active share of the material ``iri`` with the person."""
    return (
        select(LeaderLedRecord.id)
        .join(RecordParticipant, RecordParticipant.record_id == LeaderLedRecord.id)
        .where(
            LeaderLedRecord.kind == RecordKind.MATERIAL_SHARED,
            LeaderLedRecord.state == RecordState.ACTIVE,
            LeaderLedRecord.activity_iri == iri,
            RecordParticipant.person_id == person_id,
        )
        .limit(1)
    )


def visible_material(session: Session, actor: Actor, material_id: int) -> Material:
    """The material if ``actor`` may see it: L&D all, leaders the current
    library, anyone what was shared with them; otherwise "not found"."""
    material = session.get(Material, material_id)
    if material is not None:
        if actor.role is Role.LND_ADMIN:
            return material
        if actor.role is Role.LEADER and material.retired_at is None:
            return material
        if session.scalar(_share_of(actor.person_id, material.iri)) is not None:
            return material
    raise NotFound(_("There is no such material, or it was not shared with you."))


def material_by_key(session: Session, actor: Actor, key: str) -> Material:
    found = session.scalar(select(Material.id).where(Material.key == key))
    if found is None:
        raise NotFound(_("There is no such material, or it was not shared with you."))
    return visible_material(session, actor, found)


def reference(material: Material) -> MaterialRef:
    """The material as the builders take it."""
    title = Text(nl=material.title) if material.language == "nl" else Text(en=material.title)
    return MaterialRef(material.iri, title, material.kind.value)


def _first_value(material: Material) -> CompanyValue | None:
    values = sorted(
        material.values, key=lambda v: (v.kind is not ValueKind.VALUE, v.name_en.lower())
    )
    return values[0] if values else None


def library_references(session: Session, ids: Sequence[int]) -> tuple[MaterialRef, ...]:
    """Library materials to attach to a knowledge session; Invalid for anything else."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return ()
    found = {
        m.id: m
        for m in session.scalars(
            select(Material).where(Material.id.in_(wanted), Material.retired_at.is_(None))
        )
    }
    if len(found) != len(wanted):
        raise Invalid({"materials": _("Choose materials from the library.")})
    return tuple(reference(found[i]) for i in wanted)


def ids_of_iris(session: Session, iris: Sequence[str]) -> list[int]:
    if not iris:
        return []
    return list(session.scalars(select(Material.id).where(Material.iri.in_(list(iris)))))


# -- using and sharing ----------------------------------------------------


def _statement(
    session: Session,
    *,
    action: str,
    leader: Person,
    material: Material,
    pub: Publishing,
    now: datetime,
) -> Statement:
    value = _first_value(material)
    event = MaterialEvent(
        action,  # type: ignore[arg-type]
        statement_identity(session, leader),
        reference(material),
        now,
        value_ref(value, pub.options) if value else None,
    )
    return material_event(event, pub.options)


def record_used(
    session: Session, actor: Actor, material: Material, *, pub: Publishing, now: datetime
) -> LeaderLedRecord | None:
    """A leader opened the material: recorded once per day (None when already today)."""
    if actor.role is not Role.LEADER:
        return None
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    already = session.scalar(
        select(LeaderLedRecord.id)
        .where(
            LeaderLedRecord.leader_id == actor.person_id,
            LeaderLedRecord.kind == RecordKind.MATERIAL_USED,
            LeaderLedRecord.activity_iri == material.iri,
            LeaderLedRecord.state == RecordState.ACTIVE,
            LeaderLedRecord.occurred_at >= start,
        )
        .limit(1)
    )
    if already is not None:
        return None
    leader = session.get_one(Person, actor.person_id)
    value = _first_value(material)
    row = LeaderLedRecord(
        kind=RecordKind.MATERIAL_USED,
        leader_id=leader.id,
        team_id=actor.team_id,
        title=material.title,
        activity_iri=material.iri,
        company_value_id=value.id if value else None,
        occurred_at=now,
        details={"material_id": material.id},
    )
    return recording.record(
        session,
        row,
        [_statement(session, action="used", leader=leader, material=material, pub=pub, now=now)],
    )


@dataclass(frozen=True)
class ShareInput:
    audience: str  # "team" or "people"
    people: tuple[int, ...] = ()


def team_learners(session: Session, team_id: int, leader_id: int) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.team_id == team_id,
                Membership.role == Role.LEARNER,
                Person.id != leader_id,
            )
            .order_by(Person.display_name, Person.id)
        )
    )


def share(
    session: Session,
    actor: Actor,
    material_id: int,
    data: ShareInput,
    *,
    pub: Publishing,
    now: datetime,
) -> LeaderLedRecord:
    """Share a library material with the leader's team or chosen people of it."""
    require_leader(actor)
    team = require_leader_of(session, actor, actor.team_id)
    material = visible_material(session, actor, material_id)
    checks = Checks()
    recipients: list[Person] = []
    if data.audience == "team":
        recipients = team_learners(session, team, actor.person_id)
        if not recipients:
            checks.fail("audience", _("Nobody in this course's team is known to Leaderled yet."))
    elif data.audience == "people":
        wanted = list(dict.fromkeys(data.people))
        found = members_among(session, team, wanted)
        if not wanted:
            checks.fail("people", _("Choose at least one person."))
        elif len(wanted) > MAX_RECIPIENTS:
            checks.fail("people", _("Choose at most %(max)d people.", max=MAX_RECIPIENTS))
        elif actor.person_id in wanted or len(found) != len(wanted):
            checks.fail("people", _("Choose people from this course's team only."))
        recipients = [found[p] for p in wanted if p in found]
    else:
        checks.fail("audience", _("Choose whether to share with the whole team or chosen people."))
    checks.raise_if_any()
    leader = session.get_one(Person, actor.person_id)
    value = _first_value(material)
    row = LeaderLedRecord(
        kind=RecordKind.MATERIAL_SHARED,
        leader_id=leader.id,
        team_id=team,
        title=material.title,
        activity_iri=material.iri,
        company_value_id=value.id if value else None,
        occurred_at=now,
        details={"material_id": material.id, "audience": data.audience},
    )
    return recording.record(
        session,
        row,
        [_statement(session, action="shared", leader=leader, material=material, pub=pub, now=now)],
        participants=[
            RecordParticipant(person_id=p.id, role=ParticipantRole.LEARNER) for p in recipients
        ],
    )


@dataclass(frozen=True)
class SharedMaterial:
    material: Material
    leader: Person | None
    shared_at: datetime


def shared_with(
    session: Session, person_id: int, teams: frozenset[int] | None = None
) -> list[SharedMaterial]:
    """Materials shared with the person (in ``teams``, when given: a reader
    limited to them), newest share first, each material once."""
    rows = session.execute(
        select(Material, LeaderLedRecord)
        .join(LeaderLedRecord, LeaderLedRecord.activity_iri == Material.iri)
        .join(RecordParticipant, RecordParticipant.record_id == LeaderLedRecord.id)
        .where(
            LeaderLedRecord.kind == RecordKind.MATERIAL_SHARED,
            LeaderLedRecord.state == RecordState.ACTIVE,
            RecordParticipant.person_id == person_id,
            *in_teams(teams),
        )
        .options(selectinload(LeaderLedRecord.leader))
        .order_by(LeaderLedRecord.occurred_at.desc(), LeaderLedRecord.id.desc())
    ).all()
    seen: set[int] = set()
    found = []
    for material, row in rows:
        if material.id in seen:
            continue
        seen.add(material.id)
        found.append(SharedMaterial(material, row.leader, row.occurred_at))
    return found
