"""Mobilité: demandes, lettres, pièces jointes, vœux and confirmations.

Revision ID: 0003_mobilite
Revises: 0002_cv_courrier
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_mobilite"
down_revision = "0002_cv_courrier"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demandes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("campagne", sa.String(80), nullable=False),
        sa.Column("mouvement", sa.String(40), nullable=False),
        sa.Column("discipline", sa.String(20), nullable=False),
        sa.Column("preference", sa.String(40), nullable=False),
        sa.Column("voeux_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("agent_id", "campagne", "mouvement", "discipline", name="uq_demandes_mouvement"),
    )
    op.create_table(
        "lettres",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("texte", sa.Text(), nullable=False),
        sa.Column("enregistree_at", sa.DateTime(), nullable=True),
        sa.Column("brouillon", sa.Text(), nullable=False),
        sa.Column("brouillon_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("demande_id"),
    )
    op.create_table(
        "pieces_jointes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("demande_id", "kind", name="uq_pieces_kind"),
    )
    op.create_table(
        "voeux",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(3), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("libelle", sa.String(300), nullable=False),
        sa.Column("poste", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("demande_id", "type", "code", name="uq_voeux_code"),
    )
    op.create_index("ix_voeux_demande_rank", "voeux", ["demande_id", "rank"])
    op.create_table(
        "mobilite_confirmations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("campagne", sa.String(80), nullable=False),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("agent_id", "campagne", name="uq_confirmations_agent"),
    )


def downgrade() -> None:
    op.drop_table("mobilite_confirmations")
    op.drop_index("ix_voeux_demande_rank", table_name="voeux")
    op.drop_table("voeux")
    op.drop_table("pieces_jointes")
    op.drop_table("lettres")
    op.drop_table("demandes")
