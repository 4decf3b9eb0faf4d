"""The training-material library (tip 4): coaching guidelines, best practices
and training material, each tied to company values or priorities and topics.

A material is an activity in the statements: its IRI is fixed at creation
(``<public url>/materials/<key>``), so a renamed material stays the same
activity in the LRS. Uploaded files live outside the web root under a name
Leaderled chooses (``file_key``); the person's file name is only shown.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, DateTime, Enum, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.db import Base
from plugin.models.catalogue import CompanyValue, TopicCategory
from plugin.models.people import utcnow


class MaterialKind(enum.StrEnum):
    """The builder's material kinds (``statements.builders.material.MaterialKind``)."""

    COACHING_GUIDELINE = "coaching-guideline"
    BEST_PRACTICE = "best-practice"
    TRAINING_MATERIAL = "training-material"


material_value = Table(
    "material_value",
    Base.metadata,
    Column("material_id", ForeignKey("material.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "value_id", ForeignKey("company_value.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)
material_topic = Table(
    "material_topic",
    Base.metadata,
    Column("material_id", ForeignKey("material.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "topic_id",
        ForeignKey("topic_category.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Material(Base):
    __tablename__ = "material"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    iri: Mapped[str] = mapped_column(String(512), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MaterialKind] = mapped_column(Enum(MaterialKind, native_enum=False, length=32))
    description: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), index=True)
    url: Mapped[str | None] = mapped_column(String(1000))
    # An uploaded file: stored as ``file_key`` in the upload directory.
    file_key: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_type: Mapped[str | None] = mapped_column(String(128))
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    values: Mapped[list[CompanyValue]] = relationship(
        secondary=material_value, order_by=(CompanyValue.kind, CompanyValue.name_en)
    )
    topics: Mapped[list[TopicCategory]] = relationship(
        secondary=material_topic, order_by=TopicCategory.name_en
    )

    @property
    def has_file(self) -> bool:
        return self.file_key is not None
