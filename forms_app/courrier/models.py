"""Courrier: messages between gestionnaires and teachers, grouped in threads."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..core.db import AwareDateTime, Base

__all__ = ["Message", "PieceMessage"]


class Message(Base):
    """A message to one account or to every account of a role (the gestionnaires' shared box)."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_to_account", "to_account_id", "read_at"),
        Index("ix_messages_to_role", "to_role", "read_at"),
        Index("ix_messages_thread", "thread_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The first message of the thread; None for that first message itself.
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), nullable=True
    )
    to_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True
    )
    to_role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # None: sent by the application itself (results, confirmations).
    sender_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    # Structured part of a signalement de changement de situation.
    rubrique: Mapped[str | None] = mapped_column(String(30), nullable=True)
    date_effet: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)

    @property
    def root_id(self) -> int:
        """Id of the thread this message belongs to."""
        return self.thread_id or self.id


class PieceMessage(Base):
    """A screened PDF attached to a message (a justificatif, a document asked for), kept in the database."""

    __tablename__ = "message_pieces"
    __table_args__ = (Index("ix_message_pieces_message", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    pages: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # Read only to serve the file: lists and threads never load it.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    def snapshot(self) -> dict:
        return {"filename": self.filename, "size": self.size, "pages": self.pages, "sha256": self.sha256}
