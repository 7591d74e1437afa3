"""Rendez-vous de carrière: the date and place, the compte rendu, the agent's observations, the
recteur's appréciation finale and the recours; each evaluator's appréciation littérale."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import AwareDateTime, Base


class RendezVous(Base):
    __tablename__ = "rendez_vous"
    __table_args__ = (
        UniqueConstraint("campagne", "agent_id", name="uq_rendez_vous_agent"),
        Index("ix_rendez_vous_campagne", "campagne"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campagne: Mapped[str] = mapped_column(String(80))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))  # the campaign's rendez-vous code (rdv1…)
    echelon: Mapped[int] = mapped_column(Integer)
    echelon_depuis: Mapped[date] = mapped_column(Date)
    date_rdv: Mapped[datetime | None] = mapped_column(AwareDateTime)
    lieu: Mapped[str] = mapped_column(String(200), default="")
    date_notifiee_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    grille: Mapped[str] = mapped_column(Text, default="{}")  # JSON: item code -> level code
    compte_rendu_notifie_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    observations: Mapped[str] = mapped_column(Text, default="")
    observations_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    appreciation_finale: Mapped[str] = mapped_column(String(40), default="")
    appreciation_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    appreciation_notifiee_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    recours: Mapped[str] = mapped_column(Text, default="")
    recours_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # The answer to the recours (the recteur's, or a gestionnaire's for her): "maintenue" or "revisee".
    recours_decision: Mapped[str] = mapped_column(String(20), default="")
    recours_reponse: Mapped[str] = mapped_column(Text, default="")
    recours_repondu_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    recours_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)


class AppreciationEvaluateur(Base):
    """One evaluator's appréciation littérale in the compte rendu."""

    __tablename__ = "rendez_vous_appreciations"
    __table_args__ = (UniqueConstraint("rendez_vous_id", "evaluateur", name="uq_rendez_vous_appreciation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rendez_vous_id: Mapped[int] = mapped_column(ForeignKey("rendez_vous.id", ondelete="CASCADE"))
    evaluateur: Mapped[str] = mapped_column(String(30))
    texte: Mapped[str] = mapped_column(Text)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)
