"""The training-material library: materials with their values and topics.

Revision ID: 0050
Revises: 0080
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0050"
down_revision = "0080"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "material",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("iri", sa.String(512), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "COACHING_GUIDELINE", "BEST_PRACTICE", "TRAINING_MATERIAL",
                native_enum=False, length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("url", sa.String(1000), nullable=True),
        sa.Column("file_key", sa.String(64), nullable=True),
        sa.Column("file_name", sa.String(255), nullable=True),
        sa.Column("file_type", sa.String(128), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("file_sha256", sa.String(64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"],
            name="fk_material_created_by_id_person", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_material"),
        sa.UniqueConstraint("iri", name="uq_material_iri"),
        sa.UniqueConstraint("key", name="uq_material_key"),
    )
    op.create_index("ix_material_language", "material", ["language"])
    for table, column, target in (
        ("material_value", "value_id", "company_value"),
        ("material_topic", "topic_id", "topic_category"),
    ):
        op.create_table(
            table,
            sa.Column("material_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["material_id"], ["material.id"],
                name=f"fk_{table}_material_id_material", ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("material_id", column, name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    op.drop_index("ix_material_topic_topic_id", "material_topic")
    op.drop_table("material_topic")
    op.drop_index("ix_material_value_value_id", "material_value")
    op.drop_table("material_value")
    op.drop_index("ix_material_language", "material")
    op.drop_table("material")
