"""The dossier's history: past échelons and grades, past affectations; the start of the ancienneté dans
le corps and of the AGS when the agents file gives them.

Revision ID: 0008_dossier_historique
Revises: 0007_message_pieces
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_dossier_historique"
down_revision = "0007_message_pieces"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("corps_depuis", sa.Date(), nullable=True))
        batch.add_column(sa.Column("services_depuis", sa.Date(), nullable=True))
    op.create_table(
        "agent_carriere",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("debut", sa.Date(), nullable=False),
        sa.Column("corps", sa.String(120), nullable=False),
        sa.Column("grade", sa.String(120), nullable=False),
        sa.Column("echelon", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(120), nullable=False),
        sa.UniqueConstraint("agent_id", "debut", name="uq_agent_carriere_debut"),
    )
    op.create_table(
        "agent_affectations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("debut", sa.Date(), nullable=False),
        sa.Column("fin", sa.Date(), nullable=True),
        sa.Column("uai", sa.String(8), nullable=False),
        sa.Column("etablissement", sa.String(200), nullable=False),
        sa.Column("nature", sa.String(60), nullable=False),
    )
    op.create_index("ix_agent_affectations_agent", "agent_affectations", ["agent_id", "debut"])


def downgrade() -> None:
    op.drop_index("ix_agent_affectations_agent", table_name="agent_affectations")
    op.drop_table("agent_affectations")
    op.drop_table("agent_carriere")
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("services_depuis")
        batch.drop_column("corps_depuis")
