"""Accounts (who may log in, how, with which role), their server-side sessions and login throttling."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import AwareDateTime, Base
from ..dossier.models import Agent

ROLES = ("enseignant", "gestionnaire", "chef_etablissement", "inspecteur", "recteur")
# Roles whose accounts must enrol a second factor (TOTP) before any other page: they see others' dossiers.
TOTP_ROLES = frozenset({"gestionnaire", "chef_etablissement", "inspecteur", "recteur"})
ROLE_LABELS = {"enseignant": "Enseignant", "gestionnaire": "Gestionnaire", "chef_etablissement": "Chef d'établissement",
               "inspecteur": "Inspecteur", "recteur": "Recteur"}


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifiant: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="enseignant")
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), unique=True
    )
    display_name: Mapped[str] = mapped_column(String(200), default="")  # gestionnaires have no agent
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    first_secret_expires_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    first_secret_used_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a TOTP step is accepted once
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)

    agent: Mapped[Agent | None] = relationship(lazy="joined")

    @property
    def is_gestionnaire(self) -> bool:
        return self.role == "gestionnaire"

    @property
    def totp_obligatoire(self) -> bool:
        """Gestionnaires and evaluators see others' dossiers: their second factor is mandatory."""
        return self.role in TOTP_ROLES

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def name(self) -> str:
        """What the header shows."""
        if self.agent is not None:
            return self.agent.nom_complet
        return self.display_name or self.identifiant


class RecoveryCode(Base):
    """A one-time code that replaces a TOTP code; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class UserSession(Base):
    """A browser session: the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "user_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON: CSRF token, pending login steps
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)


class Throttle(Base):
    """Failed logins per key ("compte:jdupont", "adresse:192.0.2.1"); never a permanent lock."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(AwareDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(AwareDateTime)
