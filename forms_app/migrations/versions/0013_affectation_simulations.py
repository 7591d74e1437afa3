"""Simulations of the mouvement (issue 13): the run, the input it read, each algorithm's results and barres.

Revision ID: 0013_affectation_simulations
Revises: 0012_promotions_suite
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_affectation_simulations"
down_revision = "0012_promotions_suite"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "affectation_simulations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campagne", sa.String(80), nullable=False),
        sa.Column("mouvement", sa.String(40), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False, server_default=""),
        sa.Column("etat", sa.String(12), nullable=False),
        sa.Column("progression", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("etape", sa.String(120), nullable=False, server_default=""),
        sa.Column("lancee_par", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("lancee_at", sa.DateTime(), nullable=False),
        sa.Column("debut_at", sa.DateTime(), nullable=True),
        sa.Column("battement_at", sa.DateTime(), nullable=True),
        sa.Column("fin_at", sa.DateTime(), nullable=True),
        sa.Column("erreur", sa.Text(), nullable=False, server_default=""),
        sa.Column("bilan", sa.Text(), nullable=False, server_default=""),
        sa.Column("empreinte", sa.String(64), nullable=False, server_default=""),
        sa.Column("validee_at", sa.DateTime(), nullable=True),
        sa.Column("validee_par", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("algorithme_valide", sa.String(10), nullable=False, server_default=""),
        sa.UniqueConstraint("campagne", "numero", name="uq_affectation_simulations_numero"),
    )
    op.create_index("ix_affectation_simulations_campagne", "affectation_simulations", ["campagne", "id"])
    op.create_table(
        "affectation_candidats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("simulation_id", sa.Integer(), sa.ForeignKey("affectation_simulations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("discipline", sa.String(20), nullable=False, server_default=""),
        sa.Column("exclusion", sa.String(20), nullable=False, server_default=""),
        sa.Column("uai_actuel", sa.String(8), nullable=False, server_default=""),
        sa.Column("siege", sa.String(40), nullable=False, server_default=""),
        sa.Column("entrant", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("verifiee", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("bareme_base", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("departage", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("voeux", sa.Text(), nullable=False, server_default="[]"),
        sa.UniqueConstraint("simulation_id", "demande_id", name="uq_affectation_candidats_demande"),
    )
    op.create_table(
        "affectation_resultats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("simulation_id", sa.Integer(), sa.ForeignKey("affectation_simulations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("algorithme", sa.String(10), nullable=False),
        sa.Column("demande_id", sa.Integer(), sa.ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("obtention", sa.String(12), nullable=False),
        sa.Column("rang", sa.Integer(), nullable=True),
        sa.Column("poste", sa.String(40), nullable=False, server_default=""),
        sa.Column("uai", sa.String(8), nullable=False, server_default=""),
        sa.Column("bareme", sa.Integer(), nullable=True),
        sa.UniqueConstraint("simulation_id", "algorithme", "demande_id", name="uq_affectation_resultats_demande"),
    )
    op.create_table(
        "affectation_barres",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("simulation_id", sa.Integer(), sa.ForeignKey("affectation_simulations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("algorithme", sa.String(10), nullable=False),
        sa.Column("discipline", sa.String(20), nullable=False),
        sa.Column("type_voeu", sa.String(3), nullable=False),
        sa.Column("code_voeu", sa.String(20), nullable=False),
        sa.Column("type_etab", sa.String(10), nullable=False, server_default=""),
        sa.Column("barre", sa.Integer(), nullable=True),
        sa.Column("admis", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_affectation_barres_simulation", "affectation_barres",
                    ["simulation_id", "algorithme", "discipline"])


def downgrade() -> None:
    op.drop_index("ix_affectation_barres_simulation", table_name="affectation_barres")
    op.drop_table("affectation_barres")
    op.drop_table("affectation_resultats")
    op.drop_table("affectation_candidats")
    op.drop_index("ix_affectation_simulations_campagne", table_name="affectation_simulations")
    op.drop_table("affectation_simulations")
