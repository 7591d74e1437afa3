"""CV entries and courrier messages.

Revision ID: 0002_cv_courrier
Revises: 0001_accounts
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_cv_courrier"
down_revision = "0001_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cv_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rubrique", sa.String(30), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("intitule", sa.String(200), nullable=False),
        sa.Column("organisme", sa.String(200), nullable=False),
        sa.Column("annee_debut", sa.Integer(), nullable=True),
        sa.Column("annee_fin", sa.Integer(), nullable=True),
        sa.Column("niveau", sa.String(40), nullable=False),
        sa.Column("precisions", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_cv_entries_agent_rubrique", "cv_entries", ["agent_id", "rubrique", "rank"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("thread_id", sa.Integer(), sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=True),
        sa.Column("to_account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True),
        sa.Column("to_role", sa.String(20), nullable=True),
        sa.Column(
            "sender_account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("rubrique", sa.String(30), nullable=True),
        sa.Column("date_effet", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_messages_to_account", "messages", ["to_account_id", "read_at"])
    op.create_index("ix_messages_to_role", "messages", ["to_role", "read_at"])
    op.create_index("ix_messages_thread", "messages", ["thread_id"])


def downgrade() -> None:
    op.drop_index("ix_messages_thread", table_name="messages")
    op.drop_index("ix_messages_to_role", table_name="messages")
    op.drop_index("ix_messages_to_account", table_name="messages")
    op.drop_table("messages")
    op.drop_index("ix_cv_entries_agent_rubrique", table_name="cv_entries")
    op.drop_table("cv_entries")
