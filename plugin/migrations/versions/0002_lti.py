"""LTI 1.3: platforms, clients, deployments, role overrides, tool keys, login
states, used nonces and launch sessions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=16)


def upgrade() -> None:
    op.create_table(
        "lti_platform",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("auth_login_url", sa.String(1024), nullable=False),
        sa.Column("token_url", sa.String(1024), nullable=True),
        sa.Column("token_audience", sa.String(1024), nullable=True),
        sa.Column("jwks_url", sa.String(1024), nullable=False),
        sa.Column("identity_mode", _enum("identitymode", "ACCOUNT", "MBOX", "USERNAME"), nullable=False),
        sa.Column("username_parameter", sa.String(64), nullable=False),
        sa.Column("names_in_statements", sa.Boolean(), nullable=False),
        sa.Column("auto_approve", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lti_platform"),
        sa.UniqueConstraint("issuer", name="uq_lti_platform_issuer"),
    )
    op.create_table(
        "lti_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["platform_id"], ["lti_platform.id"], name="fk_lti_client_platform_id_lti_platform", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_lti_client"),
        sa.UniqueConstraint("platform_id", "client_id", name="uq_lti_client_platform_id"),
    )
    op.create_index("ix_lti_client_platform_id", "lti_client", ["platform_id"])
    op.create_table(
        "lti_deployment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(255), nullable=False),
        sa.Column("status", _enum("deploymentstatus", "ACTIVE", "PENDING"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["client_pk"], ["lti_client.id"], name="fk_lti_deployment_client_pk_lti_client", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_lti_deployment"),
        sa.UniqueConstraint("client_pk", "deployment_id", name="uq_lti_deployment_client_pk"),
    )
    op.create_index("ix_lti_deployment_client_pk", "lti_deployment", ["client_pk"])
    op.create_table(
        "lti_role_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.String(255), nullable=False),
        sa.Column("lti_role", sa.String(255), nullable=False),
        sa.Column("role", _enum("role", "LEARNER", "LEADER", "LND_ADMIN"), nullable=False),
        sa.ForeignKeyConstraint(["platform_id"], ["lti_platform.id"], name="fk_lti_role_override_platform_id_lti_platform", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_lti_role_override"),
        sa.UniqueConstraint("platform_id", "context_id", "lti_role", name="uq_lti_role_override_platform_id"),
    )
    op.create_index("ix_lti_role_override_platform_id", "lti_role_override", ["platform_id"])
    op.create_table(
        "lti_tool_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("status", _enum("keystatus", "CURRENT", "PREVIOUS", "RETIRED"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lti_tool_key"),
        sa.UniqueConstraint("kid", name="uq_lti_tool_key_kid"),
    )
    op.create_index("ix_lti_tool_key_status", "lti_tool_key", ["status"])
    op.create_table(
        "lti_login_state",
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("binding_hash", sa.String(64), nullable=False),
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("target_link_uri", sa.String(1024), nullable=False),
        sa.Column("storage_target", sa.String(255), nullable=True),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("state", name="pk_lti_login_state"),
    )
    op.create_index("ix_lti_login_state_expires_at", "lti_login_state", ["expires_at"])
    op.create_table(
        "lti_used_nonce",
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("nonce", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("issuer", "nonce", name="pk_lti_used_nonce"),
    )
    op.create_index("ix_lti_used_nonce_expires_at", "lti_used_nonce", ["expires_at"])
    op.create_table(
        "lti_launch_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("deployment_pk", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("role", _enum("role", "LEARNER", "LEADER", "LND_ADMIN"), nullable=False),
        sa.Column("message_type", sa.String(64), nullable=False),
        sa.Column("claims", sa.JSON(), nullable=False),
        sa.Column("handoff_hash", sa.String(64), nullable=True),
        sa.Column("handoff_expires_at", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["deployment_pk"], ["lti_deployment.id"], name="fk_lti_launch_session_deployment_pk_lti_deployment", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_lti_launch_session_person_id_person", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name="fk_lti_launch_session_team_id_team", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_lti_launch_session"),
        sa.UniqueConstraint("token_hash", name="uq_lti_launch_session_token_hash"),
        sa.UniqueConstraint("handoff_hash", name="uq_lti_launch_session_handoff_hash"),
    )
    op.create_index("ix_lti_launch_session_deployment_pk", "lti_launch_session", ["deployment_pk"])
    op.create_index("ix_lti_launch_session_person_id", "lti_launch_session", ["person_id"])
    op.create_index("ix_lti_launch_session_team_id", "lti_launch_session", ["team_id"])
    op.create_index("ix_lti_launch_session_expires_at", "lti_launch_session", ["expires_at"])


def downgrade() -> None:
    op.drop_table("lti_launch_session")
    op.drop_table("lti_used_nonce")
    op.drop_table("lti_login_state")
    op.drop_table("lti_tool_key")
    op.drop_table("lti_role_override")
    op.drop_table("lti_deployment")
    op.drop_table("lti_client")
    op.drop_table("lti_platform")
