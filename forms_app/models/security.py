"""Server-side sessions, login throttling and the audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import AwareDateTime, Base


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


class AuditEntry(Base):
    """Who did what, when, with the values before and after (never a secret)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: the log outlives accounts
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON
    address: Mapped[str] = mapped_column(String(64), default="")
