"""Formal records are outcomes; a sync remembers a backfill it has not finished.

``formal_record.is_outcome`` flags the records people see, ``registration``
groups a session's statements for time spent. ``sync_cursor.backfilling``
says a backfill started and has not reached the end, so the next run
resumes it instead of treating its cursor as "up to date".

Rows pulled before this revision are flagged from what they hold (an
achievement, attendance, or an attempt with a score); ``leaderled sync
--backfill`` reclassifies them exactly.

Revision ID: 0020
Revises: 0010
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = "0020"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("formal_record") as batch:
        batch.add_column(
            sa.Column("is_outcome", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("registration", sa.String(64), nullable=True))
    op.execute(
        "UPDATE formal_record SET is_outcome = "
        "(origin = 'formal' AND (kind = 'achievement' "
        "OR verb = 'http://adlnet.gov/expapi/verbs/attended' "
        "OR (kind = 'attempt' AND score_scaled IS NOT NULL)))"
    )
    with op.batch_alter_table("formal_record") as batch:
        batch.alter_column("is_outcome", server_default=None)
    with op.batch_alter_table("sync_cursor") as batch:
        batch.add_column(
            sa.Column("backfilling", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("sync_cursor") as batch:
        batch.alter_column("backfilling", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("sync_cursor") as batch:
        batch.drop_column("backfilling")
    with op.batch_alter_table("formal_record") as batch:
        batch.drop_column("registration")
        batch.drop_column("is_outcome")
