"""A vœu may be restricted to a type d'établissement (collège, lycée, LP…); "" means tout type.

The same commune with two different restrictions makes two vœux: the uniqueness includes it.

Revision ID: 0005_voeu_type_etab
Revises: 0004_demande_revision
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_voeu_type_etab"
down_revision = "0004_demande_revision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("voeux") as batch:
        batch.add_column(sa.Column("type_etab", sa.String(10), nullable=False, server_default=""))
        batch.drop_constraint("uq_voeux_code", type_="unique")
        batch.create_unique_constraint("uq_voeux_code", ["demande_id", "type", "code", "type_etab"])


def downgrade() -> None:
    with op.batch_alter_table("voeux") as batch:
        batch.drop_constraint("uq_voeux_code", type_="unique")
        batch.create_unique_constraint("uq_voeux_code", ["demande_id", "type", "code"])
        batch.drop_column("type_etab")
