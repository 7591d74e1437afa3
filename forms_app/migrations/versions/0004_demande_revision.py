"""Demandes carry a revision, moved on by every write that changes what the demande's page shows.

Revision ID: 0004_demande_revision
Revises: 0003_mobilite
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_demande_revision"
down_revision = "0003_mobilite"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("demandes") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("demandes") as batch:
        batch.drop_column("revision")
