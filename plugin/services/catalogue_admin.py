"""L&D's side of the catalogue: create, rename and retire company values,
priorities and topic categories.

A slug is made once from the English name and never changes (it is part of
the IRI the LRS holds); names may change; a retired entry stays on old
records and is no longer offered. Built-in topics keep the vocabulary's
names, so they can be retired but not renamed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.catalogue import CompanyValue, TopicCategory, ValueKind
from plugin.services.errors import Checks, Conflict, NotFound
from plugin.services.people import Actor
from plugin.services.roles import require_lnd_admin

MAX_NAME = 128
MAX_DESCRIPTION = 1000
MAX_SLUG = 48


@dataclass(frozen=True)
class ValueInput:
    name_en: str
    name_nl: str = ""
    kind: str = ValueKind.VALUE.value
    description: str = ""


@dataclass(frozen=True)
class TopicInput:
    name_en: str
    name_nl: str = ""


def slugify(text: str) -> str:
    """``Customer first!`` -> ``customer-first``; ASCII, at most 48 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


def _free_slug(session: Session, model: type[CompanyValue] | type[TopicCategory], name: str) -> str:
    base = slugify(name) or ("value" if model is CompanyValue else "topic")
    taken = set(session.scalars(select(model.slug).where(model.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base[: MAX_SLUG - 4]}-{n}"
        n += 1
    return slug


def _printable(text: str) -> bool:
    return all(ch.isprintable() for ch in text)


def _name(checks: Checks, field: str, value: str, *, required: bool) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        checks.fail(field, _("Enter a name."))
    elif len(text) > MAX_NAME:
        checks.fail(field, _("The name must be %(max)d characters or fewer.", max=MAX_NAME))
    elif not _printable(text):
        checks.fail(field, _("The name contains characters that cannot be shown."))
    return text


def _same_name(
    session: Session,
    model: type[CompanyValue] | type[TopicCategory],
    name: str,
    skip_id: int | None,
) -> bool:
    query = select(model.id).where(func.lower(model.name_en) == name.lower())
    if skip_id is not None:
        query = query.where(model.id != skip_id)
    return session.scalar(query.limit(1)) is not None


def _check_value(session: Session, data: ValueInput, skip_id: int | None) -> ValueInput:
    checks = Checks()
    name_en = _name(checks, "name_en", data.name_en, required=True)
    name_nl = _name(checks, "name_nl", data.name_nl, required=False)
    if data.kind not in set(ValueKind):
        checks.fail("kind", _("Choose a value or a priority."))
    description = (data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        checks.fail(
            "description",
            _("The description must be %(max)d characters or fewer.", max=MAX_DESCRIPTION),
        )
    elif not all(ch.isprintable() or ch in "\r\n\t" for ch in description):
        checks.fail("description", _("The description contains characters that cannot be shown."))
    if checks.ok("name_en") and _same_name(session, CompanyValue, name_en, skip_id):
        checks.fail("name_en", _("There is already a value or priority with this name."))
    checks.raise_if_any()
    return ValueInput(name_en, name_nl, data.kind, description)


def all_values(session: Session) -> Sequence[CompanyValue]:
    """Every value and priority, the retired ones last."""
    return session.scalars(
        select(CompanyValue).order_by(
            CompanyValue.retired_at.is_not(None), CompanyValue.kind, CompanyValue.name_en
        )
    ).all()


def all_topics(session: Session) -> Sequence[TopicCategory]:
    return session.scalars(
        select(TopicCategory).order_by(
            TopicCategory.retired_at.is_not(None),
            TopicCategory.builtin.desc(),
            TopicCategory.name_en,
        )
    ).all()


def value_by_id(session: Session, value_id: int) -> CompanyValue:
    value = session.get(CompanyValue, value_id)
    if value is None:
        raise NotFound(_("There is no such value or priority."))
    return value


def topic_by_id(session: Session, topic_id: int) -> TopicCategory:
    topic = session.get(TopicCategory, topic_id)
    if topic is None:
        raise NotFound(_("There is no such topic."))
    return topic


def create_value(session: Session, actor: Actor, data: ValueInput) -> CompanyValue:
    require_lnd_admin(actor)
    clean = _check_value(session, data, None)
    value = CompanyValue(
        slug=_free_slug(session, CompanyValue, clean.name_en),
        kind=ValueKind(clean.kind),
        name_en=clean.name_en,
        name_nl=clean.name_nl,
        description=clean.description or None,
    )
    session.add(value)
    session.flush()
    return value


def update_value(session: Session, actor: Actor, value_id: int, data: ValueInput) -> CompanyValue:
    require_lnd_admin(actor)
    value = value_by_id(session, value_id)
    clean = _check_value(session, data, value.id)
    value.name_en, value.name_nl = clean.name_en, clean.name_nl
    value.kind = ValueKind(clean.kind)
    value.description = clean.description or None
    session.flush()
    return value


def set_value_retired(
    session: Session, actor: Actor, value_id: int, *, retired: bool, now: datetime
) -> CompanyValue:
    require_lnd_admin(actor)
    value = value_by_id(session, value_id)
    value.retired_at = (value.retired_at or now) if retired else None
    session.flush()
    return value


def _check_topic(session: Session, data: TopicInput, skip_id: int | None) -> TopicInput:
    checks = Checks()
    name_en = _name(checks, "name_en", data.name_en, required=True)
    name_nl = _name(checks, "name_nl", data.name_nl, required=False)
    if checks.ok("name_en") and _same_name(session, TopicCategory, name_en, skip_id):
        checks.fail("name_en", _("There is already a topic with this name."))
    checks.raise_if_any()
    return TopicInput(name_en, name_nl)


def create_topic(session: Session, actor: Actor, data: TopicInput) -> TopicCategory:
    require_lnd_admin(actor)
    clean = _check_topic(session, data, None)
    topic = TopicCategory(
        slug=_free_slug(session, TopicCategory, clean.name_en),
        name_en=clean.name_en,
        name_nl=clean.name_nl,
        builtin=False,
    )
    session.add(topic)
    session.flush()
    return topic


def update_topic(session: Session, actor: Actor, topic_id: int, data: TopicInput) -> TopicCategory:
    require_lnd_admin(actor)
    topic = topic_by_id(session, topic_id)
    if topic.builtin:
        raise Conflict(
            _("Built-in topics keep their names: they are part of Leaderled's xAPI vocabulary.")
        )
    clean = _check_topic(session, data, topic.id)
    topic.name_en, topic.name_nl = clean.name_en, clean.name_nl
    session.flush()
    return topic


def set_topic_retired(
    session: Session, actor: Actor, topic_id: int, *, retired: bool, now: datetime
) -> TopicCategory:
    require_lnd_admin(actor)
    topic = topic_by_id(session, topic_id)
    topic.retired_at = (topic.retired_at or now) if retired else None
    session.flush()
    return topic
