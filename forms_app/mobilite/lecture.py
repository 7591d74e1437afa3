"""What the mobilité pages read of a demande: its vœux, lettre, pièces and the line of the list of demandes."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from generator.model import Campaign, Mouvement, PieceType

from ..core.clock import now
from .loaders import site_or_404
from .models import Demande, Lettre, PieceJointe, Voeu
from .rules.demandes import est_recevable, etat, peut_saisir_voeux
from .rules.fenetre import etat_saisie

_VOEU_ROWS = (
    select(Voeu.id, Voeu.rank, Voeu.type, Voeu.code, Voeu.type_etab, Voeu.libelle, Voeu.poste, Voeu.created_at)
    .where(Voeu.demande_id == bindparam("demande_id")).order_by(Voeu.rank, Voeu.id)
)


def voeux_de(session: Session, demande_id: int) -> list:
    """The vœux of a demande in rank order, as plain rows (id, rank, type, code, type_etab,
    libelle, poste, created_at): the pages read them and the writes rewrite them, nobody changes them as objects."""
    return session.connection().execute(_VOEU_ROWS, {"demande_id": demande_id}).all()


def lettre_de(session: Session, demande_id: int) -> Lettre | None:
    return session.scalar(select(Lettre).where(Lettre.demande_id == demande_id))


@dataclass
class LigneDemande:
    """One row of the list of demandes."""

    demande: Demande
    campaign: Campaign
    mouvement: Mouvement | None
    discipline: str
    preference: str
    nb_voeux: int
    lettre_enregistree: bool
    saisie_close: bool = False  # the campaign's saisie has ended (not merely not yet open)

    @property
    def etat(self) -> str:
        return etat(self.mouvement, self.lettre_enregistree, self.nb_voeux, self.saisie_close)

    @property
    def non_recevable(self) -> bool:
        """Saisie has closed on a starred demande without its lettre."""
        return self.saisie_close and not est_recevable(self.mouvement, self.lettre_enregistree)

    @property
    def etoile(self) -> bool:
        return self.mouvement is not None and self.mouvement.lettre_motivation

    @property
    def voeux_permis(self) -> bool:
        return peut_saisir_voeux(self.mouvement, self.lettre_enregistree)

    @property
    def libelle(self) -> str:
        parts = [self.mouvement.label if self.mouvement else self.demande.mouvement]
        if self.discipline:
            parts.append(self.discipline)
        if self.preference:
            parts.append(f"Préférence : {self.preference}")
        return " ".join(parts)


def ligne(session: Session, demande: Demande, campaign: Campaign | None = None, *,
          nb: int | None = None) -> LigneDemande:
    """nb: the vœux count when the caller already holds the list (one query fewer)."""
    site = site_or_404()
    campaign = campaign or site.campaign(demande.campagne)
    if campaign is None:
        abort(404)
    mouvement = campaign.mouvement(demande.mouvement)
    discipline = site.referentiel.disciplines.get(demande.discipline)
    preference = next((p.label for p in (mouvement.preferences if mouvement else ()) if p.code == demande.preference), demande.preference)
    if nb is None:
        nb = session.scalar(select(func.count(Voeu.id)).where(Voeu.demande_id == demande.id)) or 0
    # Only the date: the lettre's text is not needed to tell whether it was saved.
    enregistree_at = session.scalar(select(Lettre.enregistree_at).where(Lettre.demande_id == demande.id))
    return LigneDemande(
        demande, campaign, mouvement,
        discipline.libelle if discipline else demande.discipline, preference, nb,
        enregistree_at is not None, etat_saisie(campaign, now()) == "close",
    )


def demandes_de(session: Session, agent_id: int, campagne: str | None = None) -> list[Demande]:
    query = select(Demande).where(Demande.agent_id == agent_id)
    if campagne is not None:
        query = query.where(Demande.campagne == campagne)
    return list(session.scalars(query.order_by(Demande.created_at, Demande.id)))


@dataclass
class Emplacement:
    """One kind of pièce the campaign accepts, and what the teacher attached for it."""

    type: PieceType
    piece: PieceJointe | None


def pieces_de(session: Session, demande: Demande, campaign: Campaign) -> list[Emplacement]:
    existing = {p.kind: p for p in session.scalars(
        select(PieceJointe).where(PieceJointe.demande_id == demande.id))}
    return [Emplacement(t, existing.get(t.code)) for t in campaign.pieces]
