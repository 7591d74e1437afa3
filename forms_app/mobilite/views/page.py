"""The demande's page (« Liste de vos vœux »), rendered by every view that shows it, with or without an error."""
from __future__ import annotations

from flask import abort, g, make_response, render_template

from generator.model import VOEU_TYPES

from ...core.content import current_site
from ...core.db import get_session
from ..bareme import bareme_demande
from ..barres import barres_de_la_demande
from ..garde import saisie_ouverte
from ..lecture import ligne, pieces_de, voeux_de
from ..loaders import campagne_or_404, load_demande
from ..rules.demandes import MSG_LETTRE_AVANT


def demande_page(demande_id: int, *, status: int = 200, erreur: str | None = None):
    """The demande's page: its vœux, lettre, pièces and barème."""
    # fresh: after a write in this request the identity map holds the old version.
    demande = load_demande(demande_id, fresh=True)
    session = get_session()
    campaign = campagne_or_404(demande.campagne)
    voeux = voeux_de(session, demande.id)
    bareme = bareme_demande(session, campaign, g.agent, demande.id, voeux)
    site = current_site()
    barres = None
    if bareme is not None and site is not None:  # last years' barres next to the barème of each vœu
        barres = barres_de_la_demande(site, campaign, demande.mouvement, demande.discipline or g.agent.discipline or "",
                                      voeux, [b.total for b in bareme.voeux])
    return render_template(
        "app/mobilite/demande.html", campaign=campaign, ligne=ligne(session, demande, campaign, nb=len(voeux)),
        demande=demande, voeux=voeux, types=VOEU_TYPES,
        ouverte=saisie_ouverte(campaign), erreur=erreur,
        pieces=pieces_de(session, demande, campaign), bareme=bareme, barres=barres,
        attention=MSG_LETTRE_AVANT,
    ), status


def refus_sur_la_demande(demande_id: int, message: str, status: int = 400):
    """Stop the request: the demande's page again, with what to fix."""
    abort(make_response(demande_page(demande_id, status=status, erreur=message)))
