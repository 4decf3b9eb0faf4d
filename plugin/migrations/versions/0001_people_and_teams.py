"""People, their identifiers, teams and memberships.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("locale", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_person"),
    )
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_issuer", sa.String(512), nullable=False),
        sa.Column("context_id", sa.String(255), nullable=False),
        sa.Column("title", sa.String(512), nullable=True),
        sa.Column("label", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_team"),
        sa.UniqueConstraint("platform_issuer", "context_id", name="uq_team_platform_issuer"),
    )
    op.create_table(
        "person_identifier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(1024), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_person_identifier_person_id_person", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_person_identifier"),
        sa.UniqueConstraint("key", name="uq_person_identifier_key"),
    )
    op.create_index("ix_person_identifier_person_id", "person_identifier", ["person_id"])
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.Enum("LEARNER", "LEADER", "LND_ADMIN", name="role", native_enum=False, length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_membership_person_id_person", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name="fk_membership_team_id_team", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_membership"),
        sa.UniqueConstraint("person_id", "team_id", name="uq_membership_person_id"),
    )
    op.create_index("ix_membership_person_id", "membership", ["person_id"])
    op.create_index("ix_membership_team_id", "membership", ["team_id"])


def downgrade() -> None:
    op.drop_table("membership")
    op.drop_table("person_identifier")
    op.drop_table("team")
    op.drop_table("person")
