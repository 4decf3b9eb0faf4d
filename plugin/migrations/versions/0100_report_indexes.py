"""Indexes for the L&D reports (issue 11): records by kind and time carrying
the columns the report sums (so SQLite and PostgreSQL answer from the index),
and formal records by time and by registration (a session's end).

Revision ID: 0100
Revises: 0070
Create Date: 2026-12-02
"""

from alembic import op

revision = "0100"
down_revision = "0070"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_leader_led_record_report",
        "leader_led_record",
        ["kind", "occurred_at", "state", "team_id", "leader_id", "duration_seconds"],
    )
    op.create_index("ix_formal_record_timestamp", "formal_record", ["timestamp", "person_id"])
    op.create_index(
        "ix_formal_record_registration", "formal_record", ["registration", "person_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_formal_record_registration", table_name="formal_record")
    op.drop_index("ix_formal_record_timestamp", table_name="formal_record")
    op.drop_index("ix_leader_led_record_report", table_name="leader_led_record")
