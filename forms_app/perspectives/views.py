"""« Vos perspectives » (seeds 000, 002, 003): next échelon, next rendez-vous de carrière, promotion to the
hors classe, and the campaigns open to her, as a timeline picture with the same facts in text."""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template

from generator.frdates import STATE_LABELS, window_fr
from generator.promotion import PromotionRules, RendezVousRules

from ..comptes.access import login_required
from ..core.clock import now
from ..core.content import current_site
from ..core.db import get_session
from ..promotions.echelons import Position
from ..promotions.lecture import eligibilite_de
from .rules import frise, prochain_rendez_vous, prochains_echelons, promouvable_hors_classe

bp = Blueprint("perspectives", __name__, url_prefix="/perspectives")


@bp.get("/")
@login_required
def index():
    agent = g.agent
    if agent is None:
        abort(404)
    site = current_site()
    durees = site.referentiel.echelons if site else {}
    moment = now()
    today = moment.date()
    jalons = []
    position = Position(agent.echelon, agent.echelon_depuis) if agent.echelon_depuis else None
    if position is not None:
        jalons += prochains_echelons(durees, agent.corps, agent.grade, position)
        for c in (site.campaigns if site else []):
            if isinstance(c.regles, RendezVousRules):
                rdv = prochain_rendez_vous(c.regles, durees, agent.corps, agent.grade, position, today)
                if rdv is not None:
                    jalons.append(rdv)
                    break
        for c in (site.campaigns if site else []):
            if isinstance(c.regles, PromotionRules) and c.regles.nature == "hors_classe":
                hc = promouvable_hors_classe(c.regles, durees, agent.corps, agent.grade, position, today)
                if hc is not None:
                    jalons.append(hc)
                break
    jalons.sort(key=lambda j: j.jour)
    campagnes = []
    db = get_session()
    for c in (site.campaigns if site else []):
        states = {p.state_at(moment) for p in c.phases}
        if states == {"close"}:
            continue
        if isinstance(c.regles, PromotionRules):
            elig = eligibilite_de(db, c, c.regles, agent, durees)
            if not elig.promouvable and "candidature" not in elig.motif:
                continue
            href, texte = "promotions.dossier", elig.motif
        elif c.is_mobilite:
            if c.saisie is None or c.saisie.state_at(moment) == "close":
                continue  # its saisie is over: nothing left to take part in
            href, texte = "mobilite.index", "Demande de mutation\u00a0: " + (
                window_fr(c.saisie.start, c.saisie.end) + f" ({STATE_LABELS[c.saisie.state_at(moment)]})"
                if c.saisie else "voir le planning")
        else:
            continue
        campagnes.append({"campaign": c, "href": href, "texte": texte})
    return render_template("app/perspectives/index.html", agent=agent, jalons=jalons, points=frise(jalons, today),
                           today=today, campagnes=campagnes)
