"""Load-or-404 of the desk: a campaign, a demande, a correction, an agent. Only gestionnaires reach
the desk (its views are role_required); each helper checks the role again, so a helper reused
elsewhere never hands a teacher another teacher's record."""
from __future__ import annotations

from flask import abort, g

from generator.model import Campaign

from ..core.content import current_site
from ..core.db import get_session
from ..core.records import checked_id
from ..dossier.models import Agent
from ..mobilite.models import CorrectionBareme, Demande, PieceJointe


def _gestionnaire() -> None:
    # The identity read with the session: no need to load the Account record for its role.
    identity = getattr(g, "identity", None)
    if identity is None or not identity.is_gestionnaire:
        abort(404)


def site_or_404():
    site = current_site()
    if site is None:
        abort(404)
    return site


def campagne_or_404(slug: str) -> Campaign:
    _gestionnaire()
    campaign = site_or_404().campaign(slug)
    if campaign is None or not campaign.is_mobilite:
        abort(404)
    return campaign


def load_demande(demande_id: int) -> Demande:
    _gestionnaire()
    demande = get_session().get(Demande, checked_id(demande_id))
    if demande is None:
        abort(404)
    return demande


def load_correction(correction_id: int) -> CorrectionBareme:
    _gestionnaire()
    correction = get_session().get(CorrectionBareme, checked_id(correction_id))
    if correction is None:
        abort(404)
    return correction


def load_agent(agent_id: int) -> Agent:
    _gestionnaire()
    agent = get_session().get(Agent, checked_id(agent_id))
    if agent is None:
        abort(404)
    return agent


def load_piece(piece_id: int) -> PieceJointe:
    _gestionnaire()
    piece = get_session().get(PieceJointe, checked_id(piece_id))
    if piece is None:
        abort(404)
    return piece
