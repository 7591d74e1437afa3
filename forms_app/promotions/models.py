"""Promotion campaigns' records: the promouvables (the list a gestionnaire establishes), the evaluators'
avis, the recteur's appréciations, the classe exceptionnelle's candidatures and the published results."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import AwareDateTime, Base


class Promouvable(Base):
    """An agent promouvable in a campaign, with what the campaign reads of her on its reference date."""

    __tablename__ = "promouvables"
    __table_args__ = (
        UniqueConstraint("campagne", "agent_id", name="uq_promouvables_agent"),
        Index("ix_promouvables_uai", "campagne", "uai"),
        Index("ix_promouvables_discipline", "campagne", "discipline"),
        Index("ix_promouvables_agent_nature", "agent_id", "nature"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campagne: Mapped[str] = mapped_column(String(80))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    vivier: Mapped[str] = mapped_column(String(40))
    echelon: Mapped[int] = mapped_column(Integer)  # on the reference date
    echelon_depuis: Mapped[date] = mapped_column(Date)
    uai: Mapped[str] = mapped_column(String(8), default="")
    discipline: Mapped[str] = mapped_column(String(10), default="")
    # First degree (professeurs des écoles): an inspecteur reaches her through her circonscription.
    premier_degre: Mapped[bool] = mapped_column(Boolean, default=False)
    nature: Mapped[str] = mapped_column(String(40), default="")  # the campaign's nature: kept appréciations
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    # The tableau d'avancement, once published: rank, promoted or not, and the courrier message.
    rang: Mapped[int | None] = mapped_column(Integer)
    promu: Mapped[bool | None] = mapped_column(Boolean)
    publie_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))


class AvisPromotion(Base):
    """An evaluator's avis on a promouvable (one per kind of evaluator)."""

    __tablename__ = "promotion_avis"
    __table_args__ = (UniqueConstraint("promouvable_id", "evaluateur", name="uq_promotion_avis"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    promouvable_id: Mapped[int] = mapped_column(ForeignKey("promouvables.id", ondelete="CASCADE"))
    evaluateur: Mapped[str] = mapped_column(String(30))  # "chef_etablissement" | "inspecteur"
    valeur: Mapped[str] = mapped_column(String(40))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)


class AppreciationRecteur(Base):
    """The recteur's appréciation of a promouvable; `origine` says where a kept one comes from (an earlier
    campaign of the same nature, a rendez-vous de carrière), empty when given in this campaign."""

    __tablename__ = "promotion_appreciations"

    promouvable_id: Mapped[int] = mapped_column(ForeignKey("promouvables.id", ondelete="CASCADE"), primary_key=True)
    valeur: Mapped[str] = mapped_column(String(40))
    origine: Mapped[str] = mapped_column(String(200), default="")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)


class Candidature(Base):
    """A candidature to a vivier that asks for one (classe exceptionnelle, premier vivier)."""

    __tablename__ = "promotion_candidatures"
    __table_args__ = (UniqueConstraint("campagne", "agent_id", name="uq_promotion_candidature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campagne: Mapped[str] = mapped_column(String(80))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    vivier: Mapped[str] = mapped_column(String(40))
    fonctions: Mapped[str] = mapped_column(String(400))  # codes separated by ","
    annees: Mapped[int] = mapped_column(Integer)
    precisions: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)


class PieceCandidature(Base):
    __tablename__ = "promotion_candidature_pieces"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidature_id: Mapped[int] = mapped_column(ForeignKey("promotion_candidatures.id", ondelete="CASCADE"),
                                                index=True)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)


class DossierFige(Base):
    """What the teacher's dossier de promotion held at the end of the dossier phase (JSON): the evaluators read
    this, not her CV as it is later."""

    __tablename__ = "promotion_dossiers_figes"

    promouvable_id: Mapped[int] = mapped_column(ForeignKey("promouvables.id", ondelete="CASCADE"), primary_key=True)
    contenu: Mapped[str] = mapped_column(Text)
    fige_at: Mapped[datetime] = mapped_column(AwareDateTime)
