"""Récapitulatif: every demande of a campaign with its vœux, print-ready, with the date of the last change."""
from __future__ import annotations

from datetime import datetime

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.frdates import datetime_fr
from generator.model import VOEU_TYPES, Campaign

from ...comptes.access import login_required
from ...core.clock import now
from ...core.db import get_session
from ...dossier.loaders import load_own_agent
from ...dossier.models import Agent
from ..bareme import bareme_demande
from ..lecture import demandes_de, lettre_de, ligne, voeux_de
from ..loaders import campagne_or_404
from ..models import PieceJointe
from . import bp


def contenu(session: Session, agent: Agent, campaign: Campaign) -> dict:
    """The demandes, their vœux and pièces, and the last change among them."""
    blocs = []
    dernier: datetime | None = None
    for demande in demandes_de(session, agent.id, campaign.slug):
        voeux = voeux_de(session, demande.id)
        lettre = lettre_de(session, demande.id)
        pieces = list(session.scalars(select(PieceJointe).where(PieceJointe.demande_id == demande.id)))
        moments = [demande.updated_at, demande.created_at, *(v.created_at for v in voeux),
                   *(p.created_at for p in pieces)]
        if lettre is not None and lettre.enregistree_at is not None:
            moments.append(lettre.enregistree_at)
        latest = max(moments)
        dernier = latest if dernier is None else max(dernier, latest)
        blocs.append({"ligne": ligne(session, demande, campaign), "voeux": voeux, "lettre": lettre,
                      "pieces": pieces})
    return {"blocs": blocs, "dernier": dernier}


def texte(session: Session, agent: Agent, campaign: Campaign) -> str:
    """The récapitulatif as plain text, for the confirmation sent to the courrier."""
    data = contenu(session, agent, campaign)
    lines = [f"{campaign.title} : vos demandes telles qu'elles sont enregistrées.", ""]
    for bloc in data["blocs"]:
        ln = bloc["ligne"]
        lines.append(f"Demande : {'*' if ln.etoile else ''}{ln.libelle}")
        if ln.etoile:
            lettre = bloc["lettre"]
            lines.append("Lettre de motivation : " + ("enregistrée" if lettre and lettre.enregistree_at else "non enregistrée"))
        if bloc["voeux"]:
            for v in bloc["voeux"]:
                lines.append(f"  {v.rank}. {VOEU_TYPES.get(v.type, v.type)} {v.code} — {v.libelle}")
        else:
            lines.append("  Aucun vœu.")
        for p in bloc["pieces"]:
            lines.append(f"  Pièce jointe : {p.filename} ({p.size // 1024 or 1} Ko)")
        lines.append("")
    if data["dernier"] is not None:
        lines.append(f"Dernière modification : {datetime_fr(data['dernier'])}.")
    return "\n".join(lines)


@bp.get("/<slug>/recapitulatif")
@login_required
def recapitulatif(slug: str):
    """"Éditer un récapitulatif"."""
    campaign = campagne_or_404(slug)
    agent = load_own_agent()
    session = get_session()
    data = contenu(session, agent, campaign)
    for bloc in data["blocs"]:  # the barème of each vœu, as the demande's page shows it now
        bloc["bareme"] = bareme_demande(session, campaign, agent, bloc["ligne"].demande.id, bloc["voeux"])
    return render_template("app/mobilite/recapitulatif.html", campaign=campaign, agent=agent,
                           types=VOEU_TYPES, edite_le=now(), datetime_fr=datetime_fr, **data)
