"""Privacy: who each statement names, the access log, the erasure and
retention audit, suppressed identifiers, retention settings, and a
platform's opt-in to note text in statements.

``statement_subject`` is backfilled from the statements still in the outbox
(statements queued from now on are indexed as they are queued).

Revision ID: 0080
Revises: 0041
Create Date: 2026-12-08
"""
import json

from alembic import op
import sqlalchemy as sa

revision = "0080"
down_revision = "0041"
branch_labels = None
depends_on = None

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
IFI = ("account", "mbox", "mbox_sha1sum", "openid")


def _enum(length: int, *names: str) -> sa.Enum:
    return sa.Enum(*names, native_enum=False, length=length)


def upgrade() -> None:
    with op.batch_alter_table("lti_platform") as batch:
        batch.add_column(
            sa.Column(
                "notes_in_statements", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "statement_subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.Boolean(), nullable=False),
        sa.Column("voiding", sa.Boolean(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"],
            name="fk_statement_subject_person_id_person", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_statement_subject"),
        sa.UniqueConstraint(
            "statement_id", "person_id", name="uq_statement_subject_statement_id"
        ),
    )
    op.create_index("ix_statement_subject_statement_id", "statement_subject", ["statement_id"])
    op.create_index("ix_statement_subject_person_id", "statement_subject", ["person_id"])
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=True),
        sa.Column("viewer_role", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column(
            "what",
            _enum(32, "RECORD", "LEARNING_RECORD", "PERSONAL_DATA", "EXPORT"),
            nullable=False,
        ),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("via", _enum(16, "PAGE", "API", "CLI"), nullable=False),
        sa.ForeignKeyConstraint(
            ["viewer_id"], ["person.id"],
            name="fk_access_log_viewer_id_person", ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["person.id"],
            name="fk_access_log_subject_id_person", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["leader_led_record.id"],
            name="fk_access_log_record_id_leader_led_record", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_access_log"),
    )
    op.create_index("ix_access_log_at", "access_log", ["at"])
    op.create_index("ix_access_log_viewer_id", "access_log", ["viewer_id"])
    op.create_index("ix_access_log_record_id", "access_log", ["record_id"])
    op.create_index("ix_access_log_subject_at", "access_log", ["subject_id", "at"])
    op.create_table(
        "privacy_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(36), nullable=False),
        sa.Column("action", _enum(16, "ERASURE", "RETENTION"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_person_id", sa.Integer(), nullable=True),
        sa.Column("by_role", sa.String(16), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("statements_voided", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_person_id"], ["person.id"],
            name="fk_privacy_audit_by_person_id_person", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_privacy_audit"),
        sa.UniqueConstraint("reference", name="uq_privacy_audit_reference"),
    )
    op.create_index("ix_privacy_audit_at", "privacy_audit", ["at"])
    op.create_index("ix_privacy_audit_by_person_id", "privacy_audit", ["by_person_id"])
    op.create_table(
        "privacy_suppression",
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name="pk_privacy_suppression"),
    )
    op.create_table(
        "privacy_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_retention_days", sa.Integer(), nullable=True),
        sa.Column("formal_retention_days", sa.Integer(), nullable=True),
        sa.Column("access_log_retention_days", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["person.id"],
            name="fk_privacy_settings_updated_by_person", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_privacy_settings"),
    )
    op.create_index("ix_privacy_settings_updated_by", "privacy_settings", ["updated_by"])
    _backfill_subjects()


def _agent_key(node: dict) -> str | None:
    """Identity.key() of an agent dict (kept here: a migration must not change)."""
    account = node.get("account")
    if isinstance(account, dict):
        home, name = account.get("homePage"), account.get("name")
        return f"account {home} {name}" if isinstance(home, str) and isinstance(name, str) else None
    mbox = node.get("mbox")
    if isinstance(mbox, str) and mbox.startswith("mailto:"):
        return "mbox mailto:" + mbox.removeprefix("mailto:").strip().lower()
    for kind in ("mbox_sha1sum", "openid"):
        value = node.get(kind)
        if isinstance(value, str):
            return f"{kind} {value.lower() if kind == 'mbox_sha1sum' else value}"
    return None


def _keys(node: object, found: set) -> None:
    if isinstance(node, dict):
        if any(k in node for k in IFI):
            key = _agent_key(node)
            if key:
                found.add(key)
        for value in node.values():
            _keys(value, found)
    elif isinstance(node, list):
        for value in node:
            _keys(value, found)


def _backfill_subjects() -> None:
    conn = op.get_bind()
    owners = {
        key: pid for key, pid in conn.execute(sa.text("SELECT key, person_id FROM person_identifier"))
    }
    for key, pid in conn.execute(
        sa.text("SELECT statement_key, id FROM person WHERE statement_key IS NOT NULL")
    ):
        owners.setdefault(key, pid)
    if not owners:
        return
    subject = sa.table(
        "statement_subject",
        sa.column("statement_id", sa.String), sa.column("person_id", sa.Integer),
        sa.column("actor", sa.Boolean), sa.column("voiding", sa.Boolean),
        sa.column("voided", sa.Boolean), sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows, voided = [], set()
    for sid, text, created in conn.execute(
        sa.text("SELECT statement_id, statement_json, created_at FROM outbox ORDER BY id")
    ):
        try:
            statement = json.loads(text)
        except ValueError:
            continue
        target = statement.get("object") or {}
        voiding = (statement.get("verb") or {}).get("id") == VOIDED
        if voiding and isinstance(target, dict):
            voided.add(str(target.get("id", "")).lower())
        actor = set()
        _keys(statement.get("actor"), actor)
        named = set()
        _keys(statement, named)
        people = {}
        for key in named:
            if key in owners:
                people[owners[key]] = people.get(owners[key], False) or key in actor
        rows += [
            {"statement_id": sid, "person_id": pid, "actor": is_actor, "voiding": voiding,
             "voided": False, "created_at": created}
            for pid, is_actor in people.items()
        ]
    for row in rows:
        row["voided"] = row["statement_id"] in voided
    if rows:
        op.bulk_insert(subject, rows)


def downgrade() -> None:
    op.drop_table("privacy_settings")
    op.drop_table("privacy_suppression")
    op.drop_table("privacy_audit")
    op.drop_table("access_log")
    op.drop_table("statement_subject")
    with op.batch_alter_table("lti_platform") as batch:
        batch.drop_column("notes_in_statements")
