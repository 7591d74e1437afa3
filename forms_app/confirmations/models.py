"""One confirmation per demande, and the files its return brought (signed confirmation, justificatifs)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..core.db import AwareDateTime, Base

__all__ = ["ConfirmationDemande", "FichierConfirmation"]

ATTENTE = "attente"  # sent, not returned yet
RETOURNEE = "retournee"
ANNULEE = "annulee"  # not returned by the end of the return phase: the demande is cancelled
NON_RECEVABLE = "non_recevable"  # a starred demande without its lettre: nothing to return


def page_changee(session, demande_ids) -> None:
    """The demande's page shows its confirmation and result: move its revision on (the page cache's key,
    docs/mobilite.md « Page cache ») in the transaction that changes them."""
    from sqlalchemy import update

    from ..mobilite.models import Demande

    ids = sorted(set(demande_ids))
    for start in range(0, len(ids), 900):
        session.execute(update(Demande).where(Demande.id.in_(ids[start:start + 900]))
                        .values(revision=Demande.revision + 1).execution_options(synchronize_session=False))


class ConfirmationDemande(Base):
    """The confirmation de demande of one demande: its PDF, whether and how it came back."""

    __tablename__ = "confirmations_demandes"
    __table_args__ = (Index("ix_confirmations_campagne", "campagne", "etat"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False,
                                            unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), nullable=False)
    campagne: Mapped[str] = mapped_column(String(80), nullable=False)
    etat: Mapped[str] = mapped_column(String(15), nullable=False, default=ATTENTE)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    pdf_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    envoyee_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    date_limite: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    retournee_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    retour_mode: Mapped[str] = mapped_column(String(10), nullable=False, default="")  # depot | papier
    recue_par: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    corrections: Mapped[str] = mapped_column(Text, nullable=False, default="")
    annulee_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)

    def snapshot(self) -> dict:
        return {"demande_id": self.demande_id, "etat": self.etat, "retour_mode": self.retour_mode,
                "retournee_at": self.retournee_at.isoformat() if self.retournee_at else None,
                "corrections": len(self.corrections)}


class FichierConfirmation(Base):
    """A screened PDF brought by the return: the signed confirmation or a justificatif."""

    __tablename__ = "confirmations_fichiers"
    __table_args__ = (Index("ix_confirmations_fichiers", "confirmation_id", "role", "rang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    confirmation_id: Mapped[int] = mapped_column(ForeignKey("confirmations_demandes.id", ondelete="CASCADE"),
                                                 nullable=False)
    role: Mapped[str] = mapped_column(String(12), nullable=False)  # signee | justificatif
    rang: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    pages: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    def snapshot(self) -> dict:
        return {"role": self.role, "rang": self.rang, "filename": self.filename, "size": self.size,
                "sha256": self.sha256}
