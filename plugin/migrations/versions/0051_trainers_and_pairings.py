"""Train-the-trainer: experienced trainers' capacity, trainer pairings and
feedback requests.

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0051"
down_revision = "0050"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "trainer",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("trainer", "person_id", "person", "CASCADE"),
        sa.PrimaryKeyConstraint("person_id", name="pk_trainer"),
    )
    op.create_table(
        "trainer_pairing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("new_trainer_id", sa.Integer(), nullable=False),
        sa.Column("experienced_trainer_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("activity_iri", sa.String(512), nullable=False),
        sa.Column("registration", sa.String(36), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("trainer_pairing", "assigned_by_id", "person", "SET NULL"),
        _fk("trainer_pairing", "experienced_trainer_id", "person", "CASCADE"),
        _fk("trainer_pairing", "new_trainer_id", "person", "CASCADE"),
        _fk("trainer_pairing", "record_id", "leader_led_record", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_trainer_pairing"),
        sa.UniqueConstraint("activity_iri", name="uq_trainer_pairing_activity_iri"),
        sa.UniqueConstraint("registration", name="uq_trainer_pairing_registration"),
    )
    op.create_index(
        "ix_trainer_pairing_experienced_open",
        "trainer_pairing",
        ["experienced_trainer_id", "ended_at"],
    )
    op.create_index("ix_trainer_pairing_new_open", "trainer_pairing", ["new_trainer_id", "ended_at"])
    op.create_table(
        "feedback_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("session_record_id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feedback_record_id", sa.Integer(), nullable=True),
        _fk("feedback_request", "feedback_record_id", "leader_led_record", "SET NULL"),
        _fk("feedback_request", "pairing_id", "trainer_pairing", "SET NULL"),
        _fk("feedback_request", "requester_id", "person", "CASCADE"),
        _fk("feedback_request", "reviewer_id", "person", "CASCADE"),
        _fk("feedback_request", "session_record_id", "leader_led_record", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_request"),
    )
    for column in ("requester_id", "reviewer_id", "session_record_id"):
        op.create_index(f"ix_feedback_request_{column}", "feedback_request", [column])


def downgrade() -> None:
    for column in ("requester_id", "reviewer_id", "session_record_id"):
        op.drop_index(f"ix_feedback_request_{column}", "feedback_request")
    op.drop_table("feedback_request")
    op.drop_index("ix_trainer_pairing_new_open", "trainer_pairing")
    op.drop_index("ix_trainer_pairing_experienced_open", "trainer_pairing")
    op.drop_table("trainer_pairing")
    op.drop_table("trainer")
