"""Several LRSs: one outbox row per statement and LRS.

The outbox's statement id was unique; with several receiving LRSs a
statement has a row for each, so the id is unique per LRS instead. Existing
rows (all for one LRS) are kept as they are.
"""

from __future__ import annotations

from alembic import op

revision = "0115"
down_revision = "0110"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("uq_outbox_statement_id", type_="unique")
        batch.create_unique_constraint("uq_outbox_statement_lrs", ["statement_id", "lrs"])


def downgrade() -> None:
    # Only possible while each statement has one row (one LRS).
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("uq_outbox_statement_lrs", type_="unique")
        batch.create_unique_constraint("uq_outbox_statement_id", ["statement_id"])
