"""The result of each demande, as imported, and when it was published."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import AwareDateTime, Base

__all__ = ["Resultat"]

SATISFAIT = "satisfait"
MAINTENU = "maintenu"
NON_SATISFAIT = "non_satisfait"
EXTENSION = "extension"  # an entrant who obtained none of her vœux, placed by the campaign's extension table
ISSUES = (SATISFAIT, MAINTENU, NON_SATISFAIT, EXTENSION)


class Resultat(Base):
    """One demande's result: « satisfait sur le vœu n° k » with the affectation, « maintenu », « non satisfait », or
    « extension » with the affectation given outside the vœux."""

    __tablename__ = "resultats"
    __table_args__ = (Index("ix_resultats_campagne", "campagne", "publie_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False,
                                            unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), nullable=False)
    campagne: Mapped[str] = mapped_column(String(80), nullable=False)
    issue: Mapped[str] = mapped_column(String(15), nullable=False)  # ISSUES
    voeu_rang: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uai: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    libelle: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    importe_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    importe_par: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    publie_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)

    def cle(self) -> tuple:
        return (self.issue, self.voeu_rang, self.uai, self.libelle)
