"""PDF attachments of courrier messages (justificatifs of signalements, documents both ways).

Revision ID: 0007_message_pieces
Revises: 0006_bareme_gestion
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_message_pieces"
down_revision = "0006_bareme_gestion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_pieces",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_message_pieces_message", "message_pieces", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_message_pieces_message", table_name="message_pieces")
    op.drop_table("message_pieces")
