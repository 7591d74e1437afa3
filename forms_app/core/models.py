"""The audit log's table: who did what, when, with the values before and after."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .db import AwareDateTime, Base


class AuditEntry(Base):
    """Who did what, when, with the values before and after (never a secret)."""

    __tablename__ = "audit_log"
    # A record's « Historique » reads its rows by target (demande:12, agent:3), newest first.
    __table_args__ = (Index("ix_audit_log_target", "target", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: the log outlives accounts
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON
    address: Mapped[str] = mapped_column(String(64), default="")


class EcheanceFaite(Base):
    """Due work of a campaign's phase boundary (core.echeances), claimed and done once for all servers."""

    __tablename__ = "echeances"

    campagne: Mapped[str] = mapped_column(String(80), primary_key=True)
    phase: Mapped[str] = mapped_column(String(20), primary_key=True)
    action: Mapped[str] = mapped_column(String(60), primary_key=True)
    commencee_at: Mapped[datetime] = mapped_column(AwareDateTime)
    faite_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    nombre: Mapped[int] = mapped_column(Integer, default=0)  # items handled (demandes, messages…)
