"""Phase-end work done once (échéances), confirmations de demande and their return, results, and the
outbox of e-mail and SMS notices with each account's choice.

Revision ID: 0009_echeances_resultats
Revises: 0008_dossier_historique
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_echeances_resultats"
down_revision = "0008_dossier_historique"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "echeances",
        sa.Column("campagne", sa.String(80), primary_key=True),
        sa.Column("phase", sa.String(20), primary_key=True),
        sa.Column("action", sa.String(60), primary_key=True),
        sa.Column("commencee_at", sa.DateTime(), nullable=False),
        sa.Column("faite_at", sa.DateTime(), nullable=True),
        sa.Column("nombre", sa.Integer(), nullable=False),
    )
    op.create_table(
        "confirmations_demandes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("campagne", sa.String(80), nullable=False),
        sa.Column("etat", sa.String(15), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
        sa.Column("envoyee_at", sa.DateTime(), nullable=False),
        sa.Column("date_limite", sa.DateTime(), nullable=True),
        sa.Column("retournee_at", sa.DateTime(), nullable=True),
        sa.Column("retour_mode", sa.String(10), nullable=False),
        sa.Column("recue_par", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("corrections", sa.Text(), nullable=False),
        sa.Column("annulee_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_confirmations_campagne", "confirmations_demandes", ["campagne", "etat"])
    op.create_table(
        "confirmations_fichiers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("confirmation_id", sa.Integer(),
                  sa.ForeignKey("confirmations_demandes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("rang", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_confirmations_fichiers", "confirmations_fichiers", ["confirmation_id", "role", "rang"])
    op.create_table(
        "resultats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("campagne", sa.String(80), nullable=False),
        sa.Column("issue", sa.String(15), nullable=False),
        sa.Column("voeu_rang", sa.Integer(), nullable=True),
        sa.Column("uai", sa.String(8), nullable=False),
        sa.Column("libelle", sa.String(300), nullable=False),
        sa.Column("importe_at", sa.DateTime(), nullable=False),
        sa.Column("importe_par", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("publie_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index("ix_resultats_campagne", "resultats", ["campagne", "publie_at"])
    op.create_table(
        "avis_sortants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
        sa.Column("canal", sa.String(10), nullable=False),
        sa.Column("destinataire", sa.String(254), nullable=False),
        sa.Column("sujet", sa.String(200), nullable=False),
        sa.Column("corps", sa.Text(), nullable=False),
        sa.Column("etat", sa.String(10), nullable=False),
        sa.Column("tentatives", sa.Integer(), nullable=False),
        sa.Column("prochain_essai_at", sa.DateTime(), nullable=False),
        sa.Column("verrou", sa.String(32), nullable=True),
        sa.Column("verrou_jusqua", sa.DateTime(), nullable=True),
        sa.Column("envoye_at", sa.DateTime(), nullable=True),
        sa.Column("erreur", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("message_id", "canal", name="uq_avis_message_canal"),
    )
    op.create_index("ix_avis_a_envoyer", "avis_sortants", ["etat", "prochain_essai_at"])
    op.create_table(
        "avis_preferences",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("courriel", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("avis_preferences")
    op.drop_index("ix_avis_a_envoyer", table_name="avis_sortants")
    op.drop_table("avis_sortants")
    op.drop_index("ix_resultats_campagne", table_name="resultats")
    op.drop_table("resultats")
    op.drop_index("ix_confirmations_fichiers", table_name="confirmations_fichiers")
    op.drop_table("confirmations_fichiers")
    op.drop_index("ix_confirmations_campagne", table_name="confirmations_demandes")
    op.drop_table("confirmations_demandes")
    op.drop_table("echeances")
