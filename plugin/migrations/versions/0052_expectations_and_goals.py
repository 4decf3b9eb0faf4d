"""Role expectations, their acknowledgements, and leaders' own goals.

Revision ID: 0052
Revises: 0051
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0052"
down_revision = "0051"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "expectation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("iri", sa.String(512), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("text_en", sa.String(200), nullable=False),
        sa.Column("text_nl", sa.String(200), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "measure",
            sa.Enum(
                "NONE", "KNOWLEDGE_SESSIONS", "COACHING_MOMENTS", "TEAM_MEMBERS_COACHED",
                "MATERIALS_SHARED", native_enum=False, length=32,
            ),
            nullable=False,
        ),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.Column(
            "period",
            sa.Enum("MONTH", "QUARTER", "YEAR", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        _fk("expectation", "created_by_id", "person", "SET NULL"),
        _fk("expectation", "team_id", "team", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_expectation"),
        sa.UniqueConstraint("iri", name="uq_expectation_iri"),
        sa.UniqueConstraint("key", name="uq_expectation_key"),
    )
    op.create_index("ix_expectation_team_id", "expectation", ["team_id"])
    op.create_table(
        "expectation_acknowledgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expectation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        _fk("expectation_acknowledgement", "expectation_id", "expectation", "CASCADE"),
        _fk("expectation_acknowledgement", "person_id", "person", "CASCADE"),
        _fk("expectation_acknowledgement", "record_id", "leader_led_record", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_expectation_acknowledgement"),
        sa.UniqueConstraint(
            "expectation_id", "person_id", "version",
            name="uq_expectation_acknowledgement_expectation_id",
        ),
    )
    for column in ("expectation_id", "person_id"):
        op.create_index(
            f"ix_expectation_acknowledgement_{column}", "expectation_acknowledgement", [column]
        )
    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("iri", sa.String(512), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("OPEN", "MET", "NOT_MET", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("set_record_id", sa.Integer(), nullable=True),
        sa.Column("met_record_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("goal", "met_record_id", "leader_led_record", "SET NULL"),
        _fk("goal", "person_id", "person", "CASCADE"),
        _fk("goal", "set_record_id", "leader_led_record", "SET NULL"),
        _fk("goal", "team_id", "team", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_goal"),
        sa.UniqueConstraint("iri", name="uq_goal_iri"),
    )
    op.create_index("ix_goal_person_id", "goal", ["person_id"])
    op.create_index("ix_goal_status", "goal", ["status"])


def downgrade() -> None:
    op.drop_index("ix_goal_status", "goal")
    op.drop_index("ix_goal_person_id", "goal")
    op.drop_table("goal")
    for column in ("expectation_id", "person_id"):
        op.drop_index(f"ix_expectation_acknowledgement_{column}", "expectation_acknowledgement")
    op.drop_table("expectation_acknowledgement")
    op.drop_index("ix_expectation_team_id", "expectation")
    op.drop_table("expectation")
