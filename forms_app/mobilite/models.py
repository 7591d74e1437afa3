"""Mobilité: demandes, their lettre de motivation, pièces jointes and ranked vœux."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import AwareDateTime, Base

__all__ = ["Demande", "Lettre", "PieceJointe", "Voeu", "Confirmation", "Situation", "BaremeDecision",
           "BaremeVerification", "CorrectionBareme"]


class Demande(Base):
    """One teacher's request for one movement (and discipline) of one campaign."""

    __tablename__ = "demandes"
    __table_args__ = (
        UniqueConstraint("agent_id", "campagne", "mouvement", "discipline", name="uq_demandes_mouvement"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), nullable=False)
    campagne: Mapped[str] = mapped_column(String(80), nullable=False)
    mouvement: Mapped[str] = mapped_column(String(40), nullable=False)
    discipline: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    preference: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    # Bumped by every change of the vœu list, in the same transaction: a stale form is refused.
    voeux_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Bumped by every write that changes the demande's page (vœux, lettre, pièces): the page cache's key.
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    def snapshot(self) -> dict:
        return {
            "campagne": self.campagne,
            "mouvement": self.mouvement,
            "discipline": self.discipline,
            "preference": self.preference,
        }


class Lettre(Base):
    """The lettre de motivation of a demande: the saved text and the draft being typed."""

    __tablename__ = "lettres"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demande_id: Mapped[int] = mapped_column(
        ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    texte: Mapped[str] = mapped_column(Text, nullable=False, default="")
    enregistree_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    brouillon: Mapped[str] = mapped_column(Text, nullable=False, default="")
    brouillon_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)


class PieceJointe(Base):
    """A screened PDF attached to a demande, stored in the database with its SHA-256."""

    __tablename__ = "pieces_jointes"
    __table_args__ = (UniqueConstraint("demande_id", "kind", name="uq_pieces_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(60), nullable=False)  # PieceType.code
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(60), nullable=False, default="application/pdf")
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    pages: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    def snapshot(self) -> dict:
        return {"kind": self.kind, "filename": self.filename, "size": self.size, "sha256": self.sha256}


class Voeu(Base):
    """One vœu of a demande, at rank 1..n."""

    __tablename__ = "voeux"
    __table_args__ = (
        UniqueConstraint("demande_id", "type", "code", "type_etab", name="uq_voeux_code"),
        Index("ix_voeux_demande_rank", "demande_id", "rank"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    type: Mapped[str] = mapped_column(String(3), nullable=False)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    libelle: Mapped[str] = mapped_column(String(300), nullable=False)
    poste: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    # A restriction to a type d'établissement (generator.model.ETAB_RESTRICTIONS); "" for tout type.
    type_etab: Mapped[str] = mapped_column(String(10), nullable=False, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)


class Confirmation(Base):
    """The confirmation sent to a teacher once saisie closed: at most one per campaign."""

    __tablename__ = "mobilite_confirmations"
    __table_args__ = (UniqueConstraint("agent_id", "campagne", name="uq_confirmations_agent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), nullable=False)
    campagne: Mapped[str] = mapped_column(String(80), nullable=False)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), nullable=True
    )
    sent_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)


# --- The barème: what the teacher declares, what the gestionnaire decides, the corrections asked ---

Index("ix_demandes_campagne", Demande.campagne, Demande.id)  # the gestionnaire's desk lists a campaign
# A demande has vœux when it has a first one (ranks run 1..n): one entry per demande, not per vœu.
Index("ix_voeux_premier", Voeu.demande_id, postgresql_where=Voeu.rank == 1, sqlite_where=Voeu.rank == 1)


class Situation(Base):
    """A situation the teacher declares on her demande (generator.model.SITUATIONS), e.g. the
    département of her spouse: a barème element with this `situation` bears on the vœux there."""

    __tablename__ = "bareme_situations"
    __table_args__ = (UniqueConstraint("demande_id", "cle", name="uq_bareme_situations_cle"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False)
    cle: Mapped[str] = mapped_column(String(40), nullable=False)
    valeur: Mapped[str] = mapped_column(String(20), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)


class BaremeDecision(Base):
    """A gestionnaire's decision on one element of a demande's barème (rules.bareme.DECISIONS)."""

    __tablename__ = "bareme_decisions"
    __table_args__ = (UniqueConstraint("demande_id", "element", name="uq_bareme_decisions_element"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False)
    element: Mapped[str] = mapped_column(String(60), nullable=False)  # BaremeRule.code
    decision: Mapped[str] = mapped_column(String(10), nullable=False)
    # Hundredths of a point (150.2 -> 15020): exact on both databases; None: the element's own points.
    points_centiemes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    motif: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    decided_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    @property
    def points(self) -> float | None:
        return None if self.points_centiemes is None else self.points_centiemes / 100


class BaremeVerification(Base):
    """A demande whose barème a gestionnaire marked « vérifié » as a whole."""

    __tablename__ = "bareme_verifications"

    demande_id: Mapped[int] = mapped_column(ForeignKey("demandes.id", ondelete="CASCADE"), primary_key=True)
    verifie_par: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    verifie_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)


class CorrectionBareme(Base):
    """« Demander une correction »: the element, why, an optional screened PDF, and the answer."""

    __tablename__ = "bareme_corrections"
    __table_args__ = (Index("ix_bareme_corrections_demande", "demande_id", "etat"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False)
    element: Mapped[str] = mapped_column(String(60), nullable=False)
    texte: Mapped[str] = mapped_column(Text, nullable=False)
    etat: Mapped[str] = mapped_column(String(10), nullable=False, default="envoyee")  # acceptee, refusee
    reponse: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    answered_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    piece_filename: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    piece_size: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    piece_pages: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    piece_sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    piece_data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    def snapshot(self) -> dict:
        return {"element": self.element, "etat": self.etat, "longueur": len(self.texte),
                "piece": self.piece_filename, "reponse": self.reponse}
