"""Scores waiting for the LMS gradebook (AGS), sent by the worker.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gradebook_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("line_item", sa.String(1024), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "state", sa.Enum("PENDING", "POSTED", "FAILED", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platform.id"],
            name="fk_gradebook_post_platform_id_lti_platform", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"],
            name="fk_gradebook_post_person_id_person", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["leader_led_record.id"],
            name="fk_gradebook_post_record_id_leader_led_record", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_gradebook_post"),
        sa.UniqueConstraint(
            "line_item", "user_id", "record_id", name="uq_gradebook_post_line_item"
        ),
    )
    op.create_index("ix_gradebook_post_due", "gradebook_post", ["state", "due_ms"])
    op.create_index("ix_gradebook_post_platform_id", "gradebook_post", ["platform_id"])
    op.create_index("ix_gradebook_post_person_id", "gradebook_post", ["person_id"])
    op.create_index("ix_gradebook_post_record_id", "gradebook_post", ["record_id"])


def downgrade() -> None:
    op.drop_table("gradebook_post")
