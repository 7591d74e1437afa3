"""Agents, accounts, recovery codes, sessions, login throttle, audit log.

Revision ID: 0001_accounts
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_accounts"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("numen", sa.String(13), nullable=False, unique=True),
        sa.Column("civilite", sa.String(10), nullable=False),
        sa.Column("nom", sa.String(100), nullable=False),
        sa.Column("prenom", sa.String(100), nullable=False),
        sa.Column("date_naissance", sa.Date(), nullable=False),
        sa.Column("corps", sa.String(120), nullable=False),
        sa.Column("grade", sa.String(120), nullable=False),
        sa.Column("echelon", sa.Integer(), nullable=False),
        sa.Column("echelon_depuis", sa.Date(), nullable=True),
        sa.Column("discipline", sa.String(120), nullable=False),
        sa.Column("position", sa.String(120), nullable=False),
        sa.Column("modalite_service", sa.String(120), nullable=False),
        sa.Column("affectation_uai", sa.String(8), nullable=False),
        sa.Column("affectation_depuis", sa.Date(), nullable=True),
        sa.Column("adresse", sa.String(250), nullable=False),
        sa.Column("code_postal", sa.String(5), nullable=False),
        sa.Column("commune", sa.String(120), nullable=False),
        sa.Column("mail_pro", sa.String(254), nullable=False),
        sa.Column("mail_perso", sa.String(254), nullable=False),
        sa.Column("telephone", sa.String(20), nullable=False),
        sa.Column("portable", sa.String(20), nullable=False),
        sa.Column("situation_familiale", sa.String(60), nullable=False),
        sa.Column("enfants", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("identifiant", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=True, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("first_secret_expires_at", sa.DateTime(), nullable=True),
        sa.Column("first_secret_used_at", sa.DateTime(), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(), nullable=True),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        sa.Column("totp_enabled", sa.Boolean(), nullable=False),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_recovery_codes_account_id", "recovery_codes", ["account_id"])
    op.create_table(
        "user_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_user_sessions_account_id", "user_sessions", ["account_id"])
    op.create_index("ix_user_sessions_last_seen_at", "user_sessions", ["last_seen_at"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("address", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor_id"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])


def downgrade() -> None:
    for index, table in (
        ("ix_audit_log_action", "audit_log"), ("ix_audit_log_actor_id", "audit_log"),
        ("ix_audit_log_at", "audit_log"),
    ):
        op.drop_index(index, table_name=table)
    op.drop_table("audit_log")
    op.drop_table("login_throttle")
    op.drop_index("ix_user_sessions_last_seen_at", table_name="user_sessions")
    op.drop_index("ix_user_sessions_account_id", table_name="user_sessions")
    op.drop_table("user_sessions")
    op.drop_index("ix_recovery_codes_account_id", table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("accounts")
    op.drop_table("agents")
