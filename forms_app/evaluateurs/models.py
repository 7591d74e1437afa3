"""Evaluators' scope: whose dossiers a chef d'établissement, an inspecteur or the recteur may see.

A separate table (one row per evaluator account) rather than columns on accounts: the accounts area
keeps its own table, and a gestionnaire may also be given the recteur's right here.
"""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base


class Perimetre(Base):
    __tablename__ = "evaluateur_perimetres"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    uai: Mapped[str] = mapped_column(String(8), default="")  # chef d'établissement: agents assigned here
    discipline: Mapped[str] = mapped_column(String(10), default="")  # inspecteur: agents of this discipline
    # inspecteur of the first degree (IEN): the agents of the circonscription (data/circonscriptions.csv)
    circonscription: Mapped[str] = mapped_column(String(40), default="")
    appreciation_recteur: Mapped[bool] = mapped_column(Boolean, default=False)  # a gestionnaire with the right
