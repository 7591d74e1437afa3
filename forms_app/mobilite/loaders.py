"""Load-or-404 of the mobilité area: the campaign, a demande of the logged-in teacher, its vœu list
with its version, a pièce jointe. Ownership is checked inside; another teacher's record answers 404."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g
from sqlalchemy import bindparam, select

from ..core.content import campagne_or_404, site_or_404  # noqa: F401  (the area's load-or-404 of campaigns)
from ..core.db import get_session, read_connection
from ..core.records import checked_id
from ..dossier.loaders import own_agent_id
from .models import Demande, Lettre, PieceJointe, Voeu


def load_demande(demande_id: int, *, fresh: bool = False) -> Demande:
    """A demande of the logged-in teacher (404 otherwise); fresh: re-read even if already loaded."""
    agent_id = own_agent_id()
    demande = get_session().get(Demande, checked_id(demande_id), populate_existing=fresh)
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
    row = read_connection().execute(_DEMANDE_REF, {"demande_id": checked_id(demande_id)}).first()
    if row is None or row.agent_id != agent_id:
        abort(404)
    return row


def load_piece(piece_id: int) -> PieceJointe:
    """A pièce jointe: its owner's, or any for a gestionnaire."""
    piece = get_session().get(PieceJointe, checked_id(piece_id))
    if piece is None:
        abort(404)
    if g.account is not None and g.account.role == "gestionnaire":
        return piece
    load_demande(piece.demande_id)
    return piece


@dataclass(frozen=True, slots=True)
class ListeLue:
    """A demande's vœu list as one query read it: the version and the vœux go together, with what the
    rules of a write need of the demande (its movement, whether its lettre is saved)."""

    demande_id: int
    campagne: str
    mouvement: str
    version: int
    voeux: list  # rows (id, rank, type, code, type_etab, libelle, poste, created_at) in rank order
    lettre_enregistree: bool = False


_d, _v, _l = Demande.__table__, Voeu.__table__, Lettre.__table__
_cible = _v.alias("cible")
_LISTE = (
    select(_d.c.id.label("demande_id"), _d.c.agent_id, _d.c.campagne, _d.c.mouvement, _d.c.voeux_version,
           _l.c.enregistree_at.label("lettre_at"),
           _v.c.id, _v.c.rank, _v.c.type, _v.c.code, _v.c.type_etab, _v.c.libelle, _v.c.poste, _v.c.created_at)
    .select_from(_d.outerjoin(_v, _v.c.demande_id == _d.c.id).outerjoin(_l, _l.c.demande_id == _d.c.id))
    .order_by(_v.c.rank, _v.c.id)
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
                    [row for row in rows if row.id is not None], first.lettre_at is not None)


def liste_de_demande(demande_id: int) -> ListeLue:
    """The vœu list of a demande of the logged-in teacher, with its version, in one query (404 otherwise)."""
    liste = _liste_lue(_LISTE_DE_DEMANDE, {"demande_id": checked_id(demande_id)})
    if liste is None:
        abort(404)
    return liste


def liste_du_voeu(voeu_id: int) -> ListeLue | None:
    """The list holding this vœu, if it is one of the logged-in teacher's; None when there is no such
    vœu in their lists (deleted meanwhile, or never theirs: the two look the same)."""
    return _liste_lue(_LISTE_DU_VOEU, {"voeu_id": checked_id(voeu_id)})


def load_correction(correction_id: int):
    """A correction request of the barème: its author's, or any for a gestionnaire."""
    from .models import CorrectionBareme

    correction = get_session().get(CorrectionBareme, checked_id(correction_id))
    if correction is None:
        abort(404)
    if g.account is not None and g.account.role == "gestionnaire":
        return correction
    load_demande(correction.demande_id)
    return correction
