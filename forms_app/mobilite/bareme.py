"""The provisional barème of the logged-in teacher, for the campaign's rules."""
from __future__ import annotations

from generator.model import Campaign

from ..core.clock import now
from ..dossier.models import Agent
from .loaders import site_or_404
from .rules.bareme import Bareme, Dossier, calculer


def dossier_de(agent: Agent) -> Dossier:
    ref = site_or_404().referentiel
    etab = ref.etablissements.get(agent.affectation_uai or "")
    return Dossier(
        corps=agent.corps or "", grade=agent.grade or "", echelon=agent.echelon or 0,
        affectation_depuis=agent.affectation_depuis,
        education_prioritaire=etab.education_prioritaire if etab else "",
        situation_familiale=agent.situation_familiale or "", enfants=agent.enfants or 0,
        jour=now().date(),
    )


def bareme_de(campaign: Campaign, agent: Agent | None = None) -> Bareme | None:
    """None when the campaign writes no barème."""
    from flask import g

    agent = agent or getattr(g, "agent", None)
    if not campaign.bareme or agent is None:
        return None
    return calculer(campaign.bareme, dossier_de(agent))
