"""Helpers the mobilité views share: campaign lookup, window guard, load-or-404, the version check."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, g, make_response
from flask import session as browser_session
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from generator.model import Campaign, Mouvement

from ..clock import now
from ..content import current_site
from ..db import get_session, read_connection
from ..errors import render_error
from ..loaders import MAX_ID, own_agent_id
from ..models.mobilite import Demande, Lettre, PieceJointe, Voeu
from ..rules import fenetre
from ..rules.demandes import etat, peut_saisir_voeux


def site_or_404():
    site = current_site()
    if site is None:
        abort(404)
    return site


def campagne_or_404(slug: str) -> Campaign:
    campaign = site_or_404().campaign(slug)
    if campaign is None:
        abort(404)
    return campaign


def refuse(code: int, message: str):
    """Stop the request with the app's error page and this French message."""
    abort(make_response(render_error(code, message)))


def flash_once(message: str, category: str = "message") -> None:
    """Flash a message unless the same one already waits to be shown (a client that never reads the
    page after its writes must not grow its session with copies)."""
    if (category, message) not in [tuple(item) for item in browser_session.get("_flashes", ())]:
        flash(message, category)


def saisie_ouverte(campaign: Campaign) -> bool:
    return fenetre.refus(campaign.saisie, now()) is None


def garde_saisie(campaign: Campaign) -> None:
    """403 with the window when a write comes outside the saisie."""
    try:
        fenetre.verifier_saisie(campaign, now())
    except fenetre.FenetreFermee as exc:
        refuse(403, exc.message)


def _checked(record_id: int) -> int:
    if not 1 <= record_id <= MAX_ID:
        abort(404)
    return record_id


def load_demande(demande_id: int, *, fresh: bool = False) -> Demande:
    """A demande of the logged-in teacher (404 otherwise); fresh: re-read even if already loaded."""
    agent_id = own_agent_id()
    demande = get_session().get(Demande, _checked(demande_id), populate_existing=fresh)
    if demande is None or demande.agent_id != agent_id:
        abort(404)
    return demande


_DEMANDE_REF = (
    select(Demande.agent_id, Demande.campagne, Demande.mouvement, Demande.voeux_version)
    .where(Demande.id == bindparam("demande_id"))
)


def load_demande_ref(demande_id: int):
    """(agent_id, campagne, mouvement, voeux_version) of a demande of the logged-in teacher, as a plain
    row (404 otherwise)."""
    agent_id = own_agent_id()
    row = read_connection().execute(_DEMANDE_REF, {"demande_id": _checked(demande_id)}).first()
    if row is None or row.agent_id != agent_id:
        abort(404)
    return row


def load_piece(piece_id: int) -> PieceJointe:
    """A pièce jointe: its owner's, or any for a gestionnaire."""
    piece = get_session().get(PieceJointe, _checked(piece_id))
    if piece is None:
        abort(404)
    if g.account is not None and g.account.role == "gestionnaire":
        return piece
    load_demande(piece.demande_id)
    return piece


_VOEU_ROWS = (
    select(Voeu.id, Voeu.rank, Voeu.type, Voeu.code, Voeu.libelle, Voeu.poste, Voeu.created_at)
    .where(Voeu.demande_id == bindparam("demande_id")).order_by(Voeu.rank, Voeu.id)
)


@dataclass(frozen=True, slots=True)
class ListeLue:
    """A demande's vœu list as one query read it: the version and the vœux go together."""

    demande_id: int
    campagne: str
    mouvement: str
    version: int
    voeux: list  # rows (id, rank, type, code, libelle, poste, created_at) in rank order


_d, _v = Demande.__table__, Voeu.__table__
_cible = _v.alias("cible")
_LISTE = (
    select(_d.c.id.label("demande_id"), _d.c.agent_id, _d.c.campagne, _d.c.mouvement, _d.c.voeux_version,
           _v.c.id, _v.c.rank, _v.c.type, _v.c.code, _v.c.libelle, _v.c.poste, _v.c.created_at)
    .select_from(_d.outerjoin(_v, _v.c.demande_id == _d.c.id)).order_by(_v.c.rank, _v.c.id)
)
_LISTE_DE_DEMANDE = _LISTE.where(_d.c.id == bindparam("demande_id"))
_LISTE_DU_VOEU = _LISTE.where(
    _d.c.id == select(_cible.c.demande_id).where(_cible.c.id == bindparam("voeu_id")).scalar_subquery())


def _liste_lue(statement, params: dict) -> ListeLue | None:
    rows = read_connection().execute(statement, params).all()
    if not rows or rows[0].agent_id != own_agent_id():
        return None
    first = rows[0]
    return ListeLue(first.demande_id, first.campagne, first.mouvement, first.voeux_version,
                    [row for row in rows if row.id is not None])


def liste_de_demande(demande_id: int) -> ListeLue:
    """The vœu list of a demande of the logged-in teacher, with its version, in one query (404 otherwise)."""
    liste = _liste_lue(_LISTE_DE_DEMANDE, {"demande_id": _checked(demande_id)})
    if liste is None:
        abort(404)
    return liste


def liste_du_voeu(voeu_id: int) -> ListeLue | None:
    """The list holding this vœu, if it is one of the logged-in teacher's; None when there is no such
    vœu in their lists (deleted meanwhile, or never theirs: the two look the same)."""
    return _liste_lue(_LISTE_DU_VOEU, {"voeu_id": _checked(voeu_id)})


def voeux_de(session: Session, demande_id: int) -> list:
    """The vœux of a demande in rank order, as plain rows (id, rank, type, code, libelle, poste,
    created_at): the pages read them and the writes rewrite them, nobody changes them as objects."""
    return session.connection().execute(_VOEU_ROWS, {"demande_id": demande_id}).all()


def instantane(row, rank: int | None = None) -> dict:
    """A vœu row as the audit log keeps it; rank: its new rank, when it moves."""
    # "numero", not "code": the audit log drops any key named "code" (TOTP codes).
    return {"rank": row.rank if rank is None else rank, "type": row.type, "numero": row.code, "poste": row.poste}


def lettre_de(session: Session, demande_id: int) -> Lettre | None:
    return session.scalar(select(Lettre).where(Lettre.demande_id == demande_id))


def verrouiller(session: Session, demande_id: int, *, modifie: bool = True) -> None:
    """Lock the demande's row for this transaction, so two first writes of a lettre or a pièce queue up.

    modifie: the write changes the demande (the récapitulatif's "dernière modification").
    """
    if modifie:
        session.execute(update(Demande).where(Demande.id == demande_id)
                        .values(updated_at=now(), revision=Demande.revision + 1)
                        .execution_options(synchronize_session=False))
    else:
        session.execute(select(Demande.id).where(Demande.id == demande_id).with_for_update())


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

    @property
    def etat(self) -> str:
        return etat(self.mouvement, self.lettre_enregistree, self.nb_voeux)

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
        enregistree_at is not None,
    )


def demandes_de(session: Session, agent_id: int, campagne: str | None = None) -> list[Demande]:
    query = select(Demande).where(Demande.agent_id == agent_id)
    if campagne is not None:
        query = query.where(Demande.campagne == campagne)
    return list(session.scalars(query.order_by(Demande.created_at, Demande.id)))
