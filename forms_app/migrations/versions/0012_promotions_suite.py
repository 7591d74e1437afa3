"""Issue 14, second part: first-degree inspecteurs' circonscription, promouvables' first degree and nature,
kept appréciations' origin, dossiers de promotion frozen at the end of the dossier phase, answers to the
recours of a rendez-vous de carrière.

Revision ID: 0012_promotions_suite
Revises: 0011_voeux_premier
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_promotions_suite"
down_revision = "0011_voeux_premier"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluateur_perimetres") as batch:
        batch.add_column(sa.Column("circonscription", sa.String(40), nullable=False, server_default=""))
    with op.batch_alter_table("promouvables") as batch:
        batch.add_column(sa.Column("premier_degre", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("nature", sa.String(40), nullable=False, server_default=""))
    op.create_index("ix_promouvables_agent_nature", "promouvables", ["agent_id", "nature"])
    with op.batch_alter_table("promotion_appreciations") as batch:
        batch.add_column(sa.Column("origine", sa.String(200), nullable=False, server_default=""))
    op.create_table(
        "promotion_dossiers_figes",
        sa.Column("promouvable_id", sa.Integer(), sa.ForeignKey("promouvables.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("contenu", sa.Text(), nullable=False),
        sa.Column("fige_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("rendez_vous") as batch:
        batch.add_column(sa.Column("recours_decision", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("recours_reponse", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("recours_repondu_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("recours_account_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_rendez_vous_recours_account", "accounts", ["recours_account_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("rendez_vous") as batch:
        batch.drop_constraint("fk_rendez_vous_recours_account", type_="foreignkey")
        batch.drop_column("recours_account_id")
        batch.drop_column("recours_repondu_at")
        batch.drop_column("recours_reponse")
        batch.drop_column("recours_decision")
    op.drop_table("promotion_dossiers_figes")
    with op.batch_alter_table("promotion_appreciations") as batch:
        batch.drop_column("origine")
    op.drop_index("ix_promouvables_agent_nature", table_name="promouvables")
    with op.batch_alter_table("promouvables") as batch:
        batch.drop_column("nature")
        batch.drop_column("premier_degre")
    with op.batch_alter_table("evaluateur_perimetres") as batch:
        batch.drop_column("circonscription")
