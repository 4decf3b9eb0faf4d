"""The formal records' report index carries what the report counts (issue 11).

A whole organisation's year is half the formal records; through the index by
time alone SQLite fetched each row from the table, which cost four times a
read of an index holding the columns the formal pass groups and filters on.
It replaces that index (its leading columns are the same).

Revision ID: 0120
Revises: 0115
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0120"
down_revision = "0115"
branch_labels = None
depends_on = None

COLUMNS = [
    "timestamp",
    "person_id",
    "origin",
    "voided",
    "is_outcome",
    "verb",
    "registration",
    "duration_seconds",
    "kind",
    "completion",
    "success",
]


def upgrade() -> None:
    op.create_index("ix_formal_record_report", "formal_record", COLUMNS)
    op.drop_index("ix_formal_record_timestamp", table_name="formal_record")


def downgrade() -> None:
    op.create_index("ix_formal_record_timestamp", "formal_record", ["timestamp", "person_id"])
    op.drop_index("ix_formal_record_report", table_name="formal_record")
