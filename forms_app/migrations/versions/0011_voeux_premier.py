"""The desk tells the demandes with vœux from those without by their first vœu (ranks run 1..n without
gaps): a partial index on it holds one entry per demande instead of one per vœu.

Revision ID: 0011_voeux_premier
Revises: 0010_promotions_rendez_vous
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_voeux_premier"
down_revision = "0010_promotions_rendez_vous"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_voeux_premier", "voeux", ["demande_id"], postgresql_where=sa.text("rank = 1"),
                    sqlite_where=sa.text("rank = 1"))


def downgrade() -> None:
    op.drop_index("ix_voeux_premier", table_name="voeux")
