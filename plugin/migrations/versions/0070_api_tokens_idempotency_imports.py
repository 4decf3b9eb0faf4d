"""API tokens (hashed, scoped, limited to a person or teams), the first
answers of idempotent requests, and the stable keys of imported CSV rows.

Revision ID: 0070
Revises: 0030
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0070"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("PERSONAL", "SERVICE", native_enum=False, length=16), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("hint", sa.String(16), nullable=False),
        sa.Column("scopes", sa.String(200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"],
            name="fk_api_token_created_by_id_person", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_api_token_person_id_person", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_token"),
        sa.UniqueConstraint("token_hash", name="uq_api_token_token_hash"),
    )
    op.create_index("ix_api_token_created_by_id", "api_token", ["created_by_id"])
    op.create_index("ix_api_token_person_id", "api_token", ["person_id"])
    op.create_table(
        "api_token_team",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_token.id"],
            name="fk_api_token_team_token_id_api_token", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name="fk_api_token_team_team_id_team", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_id", "team_id", name="pk_api_token_team"),
    )
    op.create_table(
        "idempotent_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("location", sa.String(512), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_token.id"],
            name="fk_idempotent_request_token_id_api_token", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_idempotent_request"),
        sa.UniqueConstraint("token_id", "key", name="uq_idempotent_request_token_id"),
    )
    op.create_table(
        "imported_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["leader_led_record.id"],
            name="fk_imported_row_record_id_leader_led_record", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["person.id"],
            name="fk_imported_row_imported_by_id_person", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_imported_row"),
        sa.UniqueConstraint("row_key", name="uq_imported_row_row_key"),
    )
    op.create_index("ix_imported_row_record_id", "imported_row", ["record_id"])
    op.create_index("ix_imported_row_imported_by_id", "imported_row", ["imported_by_id"])


def downgrade() -> None:
    op.drop_index("ix_imported_row_imported_by_id", "imported_row")
    op.drop_index("ix_imported_row_record_id", "imported_row")
    op.drop_table("imported_row")
    op.drop_table("idempotent_request")
    op.drop_table("api_token_team")
    op.drop_index("ix_api_token_person_id", "api_token")
    op.drop_index("ix_api_token_created_by_id", "api_token")
    op.drop_table("api_token")
