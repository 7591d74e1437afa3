"""The outbox of notices, and each account's choice about e-mail notices."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import AwareDateTime, Base

__all__ = ["Avis", "PreferenceAvis"]

CANAUX = ("courriel", "sms")
ETATS = ("attente", "envoye", "abandonne")


class Avis(Base):
    """One notice to send: written in the transaction that creates its reason, sent once by a worker."""

    __tablename__ = "avis_sortants"
    __table_args__ = (
        # One notice per message and channel: a message is never announced twice.
        UniqueConstraint("message_id", "canal", name="uq_avis_message_canal"),
        Index("ix_avis_a_envoyer", "etat", "prochain_essai_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    canal: Mapped[str] = mapped_column(String(10), nullable=False)  # CANAUX
    destinataire: Mapped[str] = mapped_column(String(254), nullable=False)
    sujet: Mapped[str] = mapped_column(String(200), nullable=False)
    corps: Mapped[str] = mapped_column(Text, nullable=False)
    etat: Mapped[str] = mapped_column(String(10), nullable=False, default="attente")  # ETATS
    tentatives: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    prochain_essai_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    # A worker's claim: its token and until when the claim holds (a worker that died lets it expire).
    verrou: Mapped[str | None] = mapped_column(String(32), nullable=True)
    verrou_jusqua: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    envoye_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    erreur: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)


class PreferenceAvis(Base):
    """« Votre compte »: whether the account wants an e-mail for each new message (the default: yes)."""

    __tablename__ = "avis_preferences"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    courriel: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
