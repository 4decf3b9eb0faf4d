"""Topic categories and company values: what pages offer, and what statements say.

A built-in topic is written with the vocabulary's own IRI and names; an
organisation's own topic or value gets a stable IRI under our profile base
(``<base>/topics/<slug>``, ``<base>/values/<slug>``), so renaming it later
changes its name, never its identity in the LRS.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.catalogue import CompanyValue, TopicCategory
from statements import vocabulary as v
from statements.builders import BuildOptions, Category, Text, Topic
from statements.builders import CompanyValue as ValueRef


def active_topics(session: Session) -> Sequence[TopicCategory]:
    """Topics a leader may pick: built-in first, then the organisation's own, by name."""
    return session.scalars(
        select(TopicCategory)
        .where(TopicCategory.retired_at.is_(None))
        .order_by(TopicCategory.builtin.desc(), TopicCategory.name_en)
    ).all()


def active_values(session: Session) -> Sequence[CompanyValue]:
    return session.scalars(
        select(CompanyValue)
        .where(CompanyValue.retired_at.is_(None))
        .order_by(CompanyValue.kind, CompanyValue.name_en)
    ).all()


def topic_by_slug(session: Session, slug: str | None) -> TopicCategory | None:
    if not slug:
        return None
    return session.scalar(select(TopicCategory).where(TopicCategory.slug == slug))


def topic_ref(topic: TopicCategory, options: BuildOptions) -> Topic | Category:
    """What a builder takes for ``topic``."""
    if topic.builtin and topic.slug in v.TOPICS:
        return topic.slug  # type: ignore[return-value]  # one of the Topic literals
    return Category(f"{options.base}/topics/{topic.slug}", Text(topic.name_en, topic.name_nl or ""))


def value_ref(value: CompanyValue, options: BuildOptions) -> ValueRef:
    return ValueRef(f"{options.base}/values/{value.slug}", Text(value.name_en, value.name_nl or ""))
