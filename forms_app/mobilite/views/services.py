"""The services page: every campaign with the state of its saisie and its planning."""
from __future__ import annotations

from flask import g, render_template

from generator.frdates import STATE_LABELS, window_fr

from ...comptes.access import login_required
from ...core.clock import now
from ...core.db import get_session
from ..lecture import demandes_de, ligne
from ..loaders import site_or_404
from ..rules.fenetre import etat_saisie
from . import bp


@bp.get("/")
@login_required
def index():
    """"Plusieurs services internet…": campaigns, their state and planning, the teacher's demandes."""
    site = site_or_404()
    moment = now()
    agent = getattr(g, "agent", None)
    session = get_session()
    cartes = []
    for campaign in (c for c in site.campaigns if c.is_mobilite):
        state = etat_saisie(campaign, moment)
        demandes = demandes_de(session, agent.id, campaign.slug) if agent is not None else []
        lettres = [ln for ln in (ligne(session, d, campaign) for d in demandes) if ln.etoile]
        cartes.append({
            "campaign": campaign,
            "state": state,
            "state_label": STATE_LABELS[state],
            "phases": [(p, window_fr(p.start, p.end), STATE_LABELS[p.state_at(moment)]) for p in campaign.phases],
            "nb_demandes": len(demandes),
            "lettres": lettres,
        })
    return render_template("app/mobilite/services.html", cartes=cartes, site_model=site)
