"""Agents carry their name as people search it (no accents, no case): « elodie » finds « Élodie ».

Revision ID: 0014_agents_recherche
Revises: 0013_affectation_simulations
"""
from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op


def plain(text: str) -> str:
    """core.texte.plain as it was when this migration was written (a migration does not follow later code)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[-'’]", " ", bare).split())

revision = "0014_agents_recherche"
down_revision = "0013_affectation_simulations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("recherche", sa.String(210), nullable=False, server_default=""))
        batch.create_index("ix_agents_recherche", ["recherche"])
    bind = op.get_bind()
    agents = sa.table("agents", sa.column("id", sa.Integer), sa.column("prenom", sa.String),
                      sa.column("nom", sa.String), sa.column("recherche", sa.String))
    rows = bind.execute(sa.select(agents.c.id, agents.c.prenom, agents.c.nom)).all()
    if rows:
        bind.execute(agents.update().where(agents.c.id == sa.bindparam("agent_id"))
                     .values(recherche=sa.bindparam("texte")),
                     [{"agent_id": r.id, "texte": plain(f"{r.prenom or ''} {r.nom or ''}")[:210]} for r in rows])


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_index("ix_agents_recherche")
        batch.drop_column("recherche")
