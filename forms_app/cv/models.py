"""CV entries: one row per diplôme, formation, activité, travail, publication or langue."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import AwareDateTime, Base

__all__ = ["CvEntry"]


class CvEntry(Base):
    """One line of a rubrique of a teacher's CV, at a rank 1..n within that rubrique."""

    __tablename__ = "cv_entries"
    __table_args__ = (Index("ix_cv_entries_agent_rubrique", "agent_id", "rubrique", "rank"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), nullable=False)
    rubrique: Mapped[str] = mapped_column(String(30), nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    intitule: Mapped[str] = mapped_column(String(200), nullable=False)
    organisme: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    annee_debut: Mapped[int | None] = mapped_column(Integer, nullable=True)
    annee_fin: Mapped[int | None] = mapped_column(Integer, nullable=True)
    niveau: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    precisions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    def snapshot(self) -> dict:
        """What the audit log keeps of this entry."""
        return {
            "rubrique": self.rubrique,
            "rank": self.rank,
            "intitule": self.intitule,
            "organisme": self.organisme,
            "annee_debut": self.annee_debut,
            "annee_fin": self.annee_fin,
            "niveau": self.niveau,
            "precisions": self.precisions,
        }
