"""Promotions (promouvables, avis, appréciations, candidatures and their pièces), rendez-vous de carrière,
and the evaluators' scope (chef d'établissement, inspecteur, recteur).

Revision ID: 0010_promotions_rendez_vous
Revises: 0009_echeances_resultats
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_promotions_rendez_vous"
down_revision = "0009_echeances_resultats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluateur_perimetres",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("uai", sa.String(8), nullable=False),
        sa.Column("discipline", sa.String(10), nullable=False),
        sa.Column("appreciation_recteur", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "promouvables",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campagne", sa.String(80), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("vivier", sa.String(40), nullable=False),
        sa.Column("echelon", sa.Integer(), nullable=False),
        sa.Column("echelon_depuis", sa.Date(), nullable=False),
        sa.Column("uai", sa.String(8), nullable=False),
        sa.Column("discipline", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rang", sa.Integer(), nullable=True),
        sa.Column("promu", sa.Boolean(), nullable=True),
        sa.Column("publie_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
        sa.UniqueConstraint("campagne", "agent_id", name="uq_promouvables_agent"),
    )
    op.create_index("ix_promouvables_uai", "promouvables", ["campagne", "uai"])
    op.create_index("ix_promouvables_discipline", "promouvables", ["campagne", "discipline"])
    op.create_table(
        "promotion_avis",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("promouvable_id", sa.Integer(), sa.ForeignKey("promouvables.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("evaluateur", sa.String(30), nullable=False),
        sa.Column("valeur", sa.String(40), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("promouvable_id", "evaluateur", name="uq_promotion_avis"),
    )
    op.create_table(
        "promotion_appreciations",
        sa.Column("promouvable_id", sa.Integer(), sa.ForeignKey("promouvables.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("valeur", sa.String(40), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "promotion_candidatures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campagne", sa.String(80), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("vivier", sa.String(40), nullable=False),
        sa.Column("fonctions", sa.String(400), nullable=False),
        sa.Column("annees", sa.Integer(), nullable=False),
        sa.Column("precisions", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("campagne", "agent_id", name="uq_promotion_candidature"),
    )
    op.create_table(
        "promotion_candidature_pieces",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("candidature_id", sa.Integer(), sa.ForeignKey("promotion_candidatures.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_promotion_candidature_pieces_candidature_id", "promotion_candidature_pieces",
                    ["candidature_id"])
    op.create_table(
        "rendez_vous",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campagne", sa.String(80), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("echelon", sa.Integer(), nullable=False),
        sa.Column("echelon_depuis", sa.Date(), nullable=False),
        sa.Column("date_rdv", sa.DateTime(), nullable=True),
        sa.Column("lieu", sa.String(200), nullable=False),
        sa.Column("date_notifiee_at", sa.DateTime(), nullable=True),
        sa.Column("grille", sa.Text(), nullable=False),
        sa.Column("compte_rendu_notifie_at", sa.DateTime(), nullable=True),
        sa.Column("observations", sa.Text(), nullable=False),
        sa.Column("observations_at", sa.DateTime(), nullable=True),
        sa.Column("appreciation_finale", sa.String(40), nullable=False),
        sa.Column("appreciation_at", sa.DateTime(), nullable=True),
        sa.Column("appreciation_notifiee_at", sa.DateTime(), nullable=True),
        sa.Column("recours", sa.Text(), nullable=False),
        sa.Column("recours_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("campagne", "agent_id", name="uq_rendez_vous_agent"),
    )
    op.create_index("ix_rendez_vous_campagne", "rendez_vous", ["campagne"])
    op.create_table(
        "rendez_vous_appreciations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rendez_vous_id", sa.Integer(), sa.ForeignKey("rendez_vous.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("evaluateur", sa.String(30), nullable=False),
        sa.Column("texte", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("rendez_vous_id", "evaluateur", name="uq_rendez_vous_appreciation"),
    )


def downgrade() -> None:
    op.drop_table("rendez_vous_appreciations")
    op.drop_index("ix_rendez_vous_campagne", table_name="rendez_vous")
    op.drop_table("rendez_vous")
    op.drop_index("ix_promotion_candidature_pieces_candidature_id", table_name="promotion_candidature_pieces")
    op.drop_table("promotion_candidature_pieces")
    op.drop_table("promotion_candidatures")
    op.drop_table("promotion_appreciations")
    op.drop_table("promotion_avis")
    op.drop_index("ix_promouvables_discipline", table_name="promouvables")
    op.drop_index("ix_promouvables_uai", table_name="promouvables")
    op.drop_table("promouvables")
    op.drop_table("evaluateur_perimetres")
