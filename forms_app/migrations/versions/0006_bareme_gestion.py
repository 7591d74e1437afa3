"""The barème per vœu and the gestionnaire's desk: declared situations, decisions per element, the
demandes verified as a whole, corrections asked by teachers; indexes for the desk and the Historique.

Revision ID: 0006_bareme_gestion
Revises: 0005_voeu_type_etab
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_bareme_gestion"
down_revision = "0005_voeu_type_etab"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_demandes_campagne", "demandes", ["campagne", "id"])
    op.create_index("ix_audit_log_target", "audit_log", ["target", "id"])
    op.create_table(
        "bareme_situations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("cle", sa.String(40), nullable=False),
        sa.Column("valeur", sa.String(20), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("demande_id", "cle", name="uq_bareme_situations_cle"),
    )
    op.create_table(
        "bareme_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("element", sa.String(60), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("points_centiemes", sa.Integer(), nullable=True),
        sa.Column("motif", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("demande_id", "element", name="uq_bareme_decisions_element"),
    )
    op.create_table(
        "bareme_verifications",
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("verifie_par", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("verifie_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "bareme_corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("element", sa.String(60), nullable=False),
        sa.Column("texte", sa.Text(), nullable=False),
        sa.Column("etat", sa.String(10), nullable=False),
        sa.Column("reponse", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("piece_filename", sa.String(200), nullable=False),
        sa.Column("piece_size", sa.Integer(), nullable=False),
        sa.Column("piece_pages", sa.Integer(), nullable=False),
        sa.Column("piece_sha256", sa.String(64), nullable=False),
        sa.Column("piece_data", sa.LargeBinary(), nullable=True),
    )
    op.create_index("ix_bareme_corrections_demande", "bareme_corrections", ["demande_id", "etat"])


def downgrade() -> None:
    op.drop_index("ix_bareme_corrections_demande", table_name="bareme_corrections")
    for table in ("bareme_corrections", "bareme_verifications", "bareme_decisions", "bareme_situations"):
        op.drop_table(table)
    op.drop_index("ix_audit_log_target", table_name="audit_log")
    op.drop_index("ix_demandes_campagne", table_name="demandes")
