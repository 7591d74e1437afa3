"""Simulations of the mouvement: the run and its state, the input it read, what each algorithm gave.

A simulation never changes a demande: it copies what it read (each candidate's vœux with their barème,
her seat, her tie key) so its pages stay true after the demandes move on, and its results live here
until a gestionnaire validates one, which hands them to the results area (resultats.import_results).
Barèmes are stored in hundredths of a point, exact on SQLite and PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import AwareDateTime, Base

__all__ = ["Simulation", "CandidatSimule", "ResultatSimule", "BarreSimulee"]

ATTENTE, EN_COURS, TERMINEE, ECHEC = "attente", "en_cours", "terminee", "echec"
ETATS = (ATTENTE, EN_COURS, TERMINEE, ECHEC)
# The two algorithms run side by side: DA* (the reference), then block exchanges after DA*.
DA, ECHANGES = "da", "echanges"
ALGORITHMES = {DA: "DA* (acceptation différée)", ECHANGES: "DA* puis échanges de blocs"}


class Simulation(Base):
    """One run of « Simuler le mouvement » on one movement of a closed campaign."""

    __tablename__ = "affectation_simulations"
    __table_args__ = (
        UniqueConstraint("campagne", "numero", name="uq_affectation_simulations_numero"),
        Index("ix_affectation_simulations_campagne", "campagne", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campagne: Mapped[str] = mapped_column(String(80), nullable=False)
    mouvement: Mapped[str] = mapped_column(String(40), nullable=False)
    numero: Mapped[int] = mapped_column(Integer, nullable=False)  # 1, 2, 3… within the campaign
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    etat: Mapped[str] = mapped_column(String(12), nullable=False, default=ATTENTE)
    progression: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # per cent
    etape: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    lancee_par: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    lancee_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    debut_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    battement_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)  # last sign of life
    fin_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    erreur: Mapped[str] = mapped_column(Text, nullable=False, default="")
    bilan: Mapped[str] = mapped_column(Text, nullable=False, default="")  # JSON, see simulation.bilan_de()
    empreinte: Mapped[str] = mapped_column(String(64), nullable=False, default="")  # of the input read
    validee_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    validee_par: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True)
    algorithme_valide: Mapped[str] = mapped_column(String(10), nullable=False, default="")

    def snapshot(self) -> dict:
        return {"campagne": self.campagne, "mouvement": self.mouvement, "numero": self.numero, "etat": self.etat,
                "algorithme_valide": self.algorithme_valide}


class CandidatSimule(Base):
    """One candidate as the simulation read her: vœux with their barème, seat, stripped barème, tie key."""

    __tablename__ = "affectation_candidats"
    __table_args__ = (UniqueConstraint("simulation_id", "demande_id", name="uq_affectation_candidats_demande"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    simulation_id: Mapped[int] = mapped_column(ForeignKey("affectation_simulations.id", ondelete="CASCADE"),
                                               nullable=False)
    demande_id: Mapped[int] = mapped_column(ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), nullable=False)
    discipline: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    # Why the demande took no part (entree.EXCLUE_*: non recevable, annulée, sans vœu); "" for a candidate.
    exclusion: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    uai_actuel: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    siege: Mapped[str] = mapped_column(String(40), nullable=False, default="")  # engine poste id held, "" none
    entrant: Mapped[bool] = mapped_column(nullable=False, default=False)
    verifiee: Mapped[bool] = mapped_column(nullable=False, default=False)
    bareme_base: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # hundredths
    departage: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # JSON list of integers
    voeux: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # JSON [[type, code, etab, centièmes]]


class ResultatSimule(Base):
    """What one algorithm gave one candidate."""

    __tablename__ = "affectation_resultats"
    __table_args__ = (
        UniqueConstraint("simulation_id", "algorithme", "demande_id", name="uq_affectation_resultats_demande"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    simulation_id: Mapped[int] = mapped_column(ForeignKey("affectation_simulations.id", ondelete="CASCADE"),
                                               nullable=False)
    algorithme: Mapped[str] = mapped_column(String(10), nullable=False)  # DA or ECHANGES
    demande_id: Mapped[int] = mapped_column(ForeignKey("demandes.id", ondelete="CASCADE"), nullable=False)
    obtention: Mapped[str] = mapped_column(String(12), nullable=False)  # engine Obtention
    rang: Mapped[int | None] = mapped_column(Integer, nullable=True)
    poste: Mapped[str] = mapped_column(String(40), nullable=False, default="")  # engine poste id
    uai: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    bareme: Mapped[int | None] = mapped_column(Integer, nullable=True)  # hundredths


class BarreSimulee(Base):
    """The barre of one (discipline, vœu) under one algorithm: the lowest barème admitted, how many."""

    __tablename__ = "affectation_barres"
    __table_args__ = (Index("ix_affectation_barres_simulation", "simulation_id", "algorithme", "discipline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    simulation_id: Mapped[int] = mapped_column(ForeignKey("affectation_simulations.id", ondelete="CASCADE"),
                                               nullable=False)
    algorithme: Mapped[str] = mapped_column(String(10), nullable=False)
    discipline: Mapped[str] = mapped_column(String(20), nullable=False)
    type_voeu: Mapped[str] = mapped_column(String(3), nullable=False)
    code_voeu: Mapped[str] = mapped_column(String(20), nullable=False)
    type_etab: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    barre: Mapped[int | None] = mapped_column(Integer, nullable=True)  # hundredths; None: nobody admitted
    admis: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
