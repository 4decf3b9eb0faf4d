"""Worker heartbeats, so the web process's readiness check can tell whether
any worker is running.

Revision ID: 0110
Revises: 0070
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0110"
down_revision = "0070"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeat",
        sa.Column("worker", sa.String(128), nullable=False),
        sa.Column("roles", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker", name="pk_worker_heartbeat"),
    )
    op.create_index("ix_worker_heartbeat_seen_at", "worker_heartbeat", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_worker_heartbeat_seen_at", "worker_heartbeat")
    op.drop_table("worker_heartbeat")
