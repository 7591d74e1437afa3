"""Load-or-404 of the desk: a campaign, a demande, a correction, an agent. Only gestionnaires reach
the desk (its views are role_required); each helper checks the role again, so a helper reused
elsewhere never hands a teacher another teacher's record."""
from __future__ import annotations

from generator.model import Campaign

from ..core import content
from ..core.content import site_or_404  # noqa: F401  (the area's views read the site through it)
from ..core.records import gestionnaire_or_404, record_or_404
from ..dossier.models import Agent
from ..mobilite.models import CorrectionBareme, Demande, PieceJointe


def campagne_or_404(slug: str) -> Campaign:
    """A campaign of mutation (inter, intra, spécifique) of the published content, for a gestionnaire."""
    gestionnaire_or_404()
    return content.campagne_or_404(slug)


def load_demande(demande_id: int) -> Demande:
    gestionnaire_or_404()
    return record_or_404(Demande, demande_id)


def load_correction(correction_id: int) -> CorrectionBareme:
    gestionnaire_or_404()
    return record_or_404(CorrectionBareme, correction_id)


def load_agent(agent_id: int) -> Agent:
    gestionnaire_or_404()
    return record_or_404(Agent, agent_id)


def load_piece(piece_id: int) -> PieceJointe:
    gestionnaire_or_404()
    return record_or_404(PieceJointe, piece_id)
