"""What an organisation's leader-led learning is about: topic categories and
company values or priorities.

The five topic categories of the seed (products, services, distribution
channels, market dynamics, operations) are built in; L&D adds its own. A
slug never changes once created, because it is part of the IRI the LRS
already holds; names may change, and a retired entry stays on old records
but is no longer offered.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from plugin.db import Base
from plugin.models.people import utcnow


class TopicCategory(Base):
    __tablename__ = "topic_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str] = mapped_column(String(128))
    name_nl: Mapped[str] = mapped_column(String(128))
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def name(self, language: str) -> str:
        return self.name_nl if language == "nl" and self.name_nl else self.name_en


class ValueKind(enum.StrEnum):
    VALUE = "value"  # a key company value ("customer first")
    PRIORITY = "priority"  # a current priority ("grow in Belgium")


class CompanyValue(Base):
    __tablename__ = "company_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[ValueKind] = mapped_column(
        Enum(ValueKind, native_enum=False, length=16), default=ValueKind.VALUE
    )
    name_en: Mapped[str] = mapped_column(String(128))
    name_nl: Mapped[str] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def name(self, language: str) -> str:
        return self.name_nl if language == "nl" and self.name_nl else self.name_en
