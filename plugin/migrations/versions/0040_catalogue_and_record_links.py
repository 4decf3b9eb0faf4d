"""Topic categories and company values; records point at their value, their
activity IRI and (for confirmations) the record they confirm.

Revision ID: 0040
Revises: 0020
Create Date: 2026-12-02
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0040"
down_revision = "0020"
branch_labels = None
depends_on = None

#: The seed's five topic categories (statements.vocabulary.TOPICS), built in.
BUILTIN_TOPICS = (
    ("products", "Products", "Producten"),
    ("services", "Services", "Diensten"),
    ("distribution-channels", "Distribution channels", "Distributiekanalen"),
    ("market-dynamics", "Market dynamics", "Marktdynamiek"),
    ("operations", "Operations", "Operatie"),
)


def upgrade() -> None:
    topic = op.create_table(
        "topic_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(128), nullable=False),
        sa.Column("name_nl", sa.String(128), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_topic_category"),
        sa.UniqueConstraint("slug", name="uq_topic_category_slug"),
    )
    now = datetime.now(timezone.utc)
    op.bulk_insert(
        topic,
        [
            {"slug": s, "name_en": en, "name_nl": nl, "builtin": True, "created_at": now}
            for s, en, nl in BUILTIN_TOPICS
        ],
    )
    op.create_table(
        "company_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("kind", sa.Enum("VALUE", "PRIORITY", native_enum=False, length=16), nullable=False),
        sa.Column("name_en", sa.String(128), nullable=False),
        sa.Column("name_nl", sa.String(128), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_company_value"),
        sa.UniqueConstraint("slug", name="uq_company_value_slug"),
    )
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("statement_key", sa.String(1024), nullable=True))
    with op.batch_alter_table("team") as batch:
        batch.add_column(sa.Column("roster_digest", sa.String(64), nullable=True))
    with op.batch_alter_table("leader_led_record") as batch:
        batch.add_column(sa.Column("company_value_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("activity_iri", sa.String(512), nullable=True))
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_leader_led_record_company_value_id_company_value",
            "company_value", ["company_value_id"], ["id"], ondelete="SET NULL",
        )
        batch.create_foreign_key(
            "fk_leader_led_record_parent_id_leader_led_record",
            "leader_led_record", ["parent_id"], ["id"], ondelete="CASCADE",
        )
    op.create_index("ix_leader_led_record_topic", "leader_led_record", ["topic"])
    op.create_index(
        "ix_leader_led_record_company_value_id", "leader_led_record", ["company_value_id"]
    )
    op.create_index("ix_leader_led_record_parent_id", "leader_led_record", ["parent_id"])
    op.create_index(
        "ix_leader_led_record_leader_time", "leader_led_record", ["leader_id", "occurred_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_leader_led_record_leader_time", "leader_led_record")
    op.drop_index("ix_leader_led_record_parent_id", "leader_led_record")
    op.drop_index("ix_leader_led_record_company_value_id", "leader_led_record")
    op.drop_index("ix_leader_led_record_topic", "leader_led_record")
    with op.batch_alter_table("leader_led_record") as batch:
        batch.drop_constraint("fk_leader_led_record_parent_id_leader_led_record", type_="foreignkey")
        batch.drop_constraint(
            "fk_leader_led_record_company_value_id_company_value", type_="foreignkey"
        )
        batch.drop_column("parent_id")
        batch.drop_column("activity_iri")
        batch.drop_column("company_value_id")
    with op.batch_alter_table("team") as batch:
        batch.drop_column("roster_digest")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("statement_key")
    op.drop_table("company_value")
    op.drop_table("topic_category")
