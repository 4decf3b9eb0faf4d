"""Leader-led records, the outbox, delivery events, formal records and sync cursors.

Revision ID: 0010
Revises: 0002
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0002"
branch_labels = None
depends_on = None


def _enum(length: int, *names: str) -> sa.Enum:
    return sa.Enum(*names, native_enum=False, length=length)


def _now() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "leader_led_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum(
                32,
                "KNOWLEDGE_SESSION", "COACHING_MOMENT", "MENTORING_SESSION", "TTT_SESSION",
                "TRAINER_PAIRING", "FEEDBACK", "MATERIAL_USED", "MATERIAL_SHARED",
                "EXPECTATION_ACKNOWLEDGED", "GOAL_SET", "GOAL_MET", "CONFIRMATION",
            ),
            nullable=False,
        ),
        sa.Column("state", _enum(16, "ACTIVE", "DELETED"), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(512), nullable=True),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("registration", sa.String(36), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        _now(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["person.id"],
            name="fk_leader_led_record_leader_id_person", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name="fk_leader_led_record_team_id_team", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_leader_led_record"),
    )
    op.create_index("ix_leader_led_record_kind", "leader_led_record", ["kind"])
    op.create_index("ix_leader_led_record_leader_id", "leader_led_record", ["leader_id"])
    op.create_index("ix_leader_led_record_team_id", "leader_led_record", ["team_id"])
    op.create_index("ix_leader_led_record_occurred_at", "leader_led_record", ["occurred_at"])

    op.create_table(
        "record_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            _enum(32, "ATTENDEE", "LEARNER", "NEW_TRAINER", "EXPERIENCED_TRAINER"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["leader_led_record.id"],
            name="fk_record_participant_record_id_leader_led_record", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"],
            name="fk_record_participant_person_id_person", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_record_participant"),
        sa.UniqueConstraint(
            "record_id", "person_id", "role", name="uq_record_participant_record_id"
        ),
    )
    op.create_index("ix_record_participant_record_id", "record_participant", ["record_id"])
    op.create_index("ix_record_participant_person_id", "record_participant", ["person_id"])

    op.create_table(
        "record_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("role", _enum(16, "STATES", "VOIDS"), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        _now(),
        sa.ForeignKeyConstraint(
            ["record_id"], ["leader_led_record.id"],
            name="fk_record_statement_record_id_leader_led_record", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_record_statement"),
        sa.UniqueConstraint("statement_id", name="uq_record_statement_statement_id"),
    )
    op.create_index("ix_record_statement_record_id", "record_statement", ["record_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("lrs", sa.String(64), nullable=False),
        sa.Column("statement_json", sa.Text(), nullable=False),
        sa.Column("state", _enum(16, "PENDING", "CLAIMED", "STORED", "PARKED"), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_ms", sa.BigInteger(), nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_until_ms", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        _now(),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"], ["leader_led_record.id"],
            name="fk_outbox_record_id_leader_led_record", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("statement_id", name="uq_outbox_statement_id"),
    )
    op.create_index("ix_outbox_due", "outbox", ["lrs", "state", "due_ms"])
    op.create_index("ix_outbox_record_id", "outbox", ["record_id"])

    op.create_table(
        "delivery_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lrs", sa.String(64), nullable=False),
        sa.Column(
            "kind",
            _enum(16, "DELIVERED", "PARKED", "FAILED", "SYNCED", "SYNC_FAILED"),
            nullable=False,
        ),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_event"),
    )
    op.create_index("ix_delivery_event_lrs_kind", "delivery_event", ["lrs", "kind", "at"])

    op.create_table(
        "formal_record",
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("lrs", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("actor_key", sa.String(1024), nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(32), nullable=True),
        sa.Column("learning_mode", sa.String(32), nullable=True),
        sa.Column("verb", sa.String(512), nullable=False),
        sa.Column("activity_id", sa.String(1024), nullable=True),
        sa.Column("activity_type", sa.String(512), nullable=True),
        sa.Column("activity_name", sa.String(512), nullable=True),
        sa.Column("score_scaled", sa.Float(), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=True),
        sa.Column("completion", sa.Boolean(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stored", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("attempts_seen", sa.Integer(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"],
            name="fk_formal_record_person_id_person", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("statement_id", name="pk_formal_record"),
    )
    op.create_index("ix_formal_record_person_id", "formal_record", ["person_id"])
    op.create_index("ix_formal_record_actor_key", "formal_record", ["actor_key"])
    op.create_index("ix_formal_record_voided", "formal_record", ["voided"])
    op.create_index("ix_formal_record_person_time", "formal_record", ["person_id", "timestamp"])

    op.create_table(
        "sync_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lrs", sa.String(64), nullable=False),
        sa.Column("query", sa.String(255), nullable=False),
        sa.Column("cursor_json", sa.Text(), nullable=True),
        sa.Column("pulled", sa.Integer(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sync_cursor"),
        sa.UniqueConstraint("lrs", "query", name="uq_sync_cursor_lrs"),
    )


def downgrade() -> None:
    op.drop_table("sync_cursor")
    op.drop_table("formal_record")
    op.drop_table("delivery_event")
    op.drop_table("outbox")
    op.drop_table("record_statement")
    op.drop_table("record_participant")
    op.drop_table("leader_led_record")
