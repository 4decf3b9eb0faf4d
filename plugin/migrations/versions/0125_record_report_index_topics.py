"""The records' report index carries the topic and the company value (issue 11).

The knowledge sessions per topic and per company value read the period's
sessions through this index; without those two columns SQLite fetched each
session's row from the table, half of that figure's time for a whole
organisation's year (164 ms to 78 ms on the bench's million statements).
The same index, two columns wider; its leading columns are unchanged.

Revision ID: 0125
Revises: 0120
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0125"
down_revision = "0120"
branch_labels = None
depends_on = None

BEFORE = ["kind", "occurred_at", "state", "team_id", "leader_id", "duration_seconds"]
AFTER = [*BEFORE, "topic", "company_value_id"]


def _index(columns: list[str]) -> None:
    op.drop_index("ix_leader_led_record_report", table_name="leader_led_record")
    op.create_index("ix_leader_led_record_report", "leader_led_record", columns)


def upgrade() -> None:
    _index(AFTER)


def downgrade() -> None:
    _index(BEFORE)
