"""LTI security: launch sessions keep the origin allowed to frame them; the
new-window handoff token is gone (a new window signs in through the LMS);
clients remember whether they came by dynamic registration (those expire
while pending).

Revision ID: 0030
Revises: 0052
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = "0030"
down_revision = "0052"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lti_client") as batch:
        batch.add_column(
            sa.Column("registered", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("lti_launch_session") as batch:
        batch.drop_constraint("uq_lti_launch_session_handoff_hash", type_="unique")
        batch.drop_column("handoff_hash")
        batch.drop_column("handoff_expires_at")
        batch.add_column(sa.Column("frame_origin", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lti_client") as batch:
        batch.drop_column("registered")
    with op.batch_alter_table("lti_launch_session") as batch:
        batch.drop_column("frame_origin")
        batch.add_column(sa.Column("handoff_expires_at", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("handoff_hash", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_lti_launch_session_handoff_hash", ["handoff_hash"])
