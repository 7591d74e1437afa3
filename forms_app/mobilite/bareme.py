"""The barème of a demande as the pages show it: per vœu, provisionnel, retenu or définitif by the
campaign's phase « bareme » at this instant, with the teacher's declared situations, the
gestionnaire's decisions and the corrections asked. The rules themselves are in rules/bareme.py."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.model import SITUATIONS, BaremeRule, Campaign, Referentiel

from ..core.clock import now
from ..dossier.models import Agent
from .loaders import site_or_404
from .models import BaremeDecision, BaremeVerification, CorrectionBareme, Situation
from .rules.bareme import (
    DEFINITIF,
    PROVISIONNEL,
    RETENU,
    Bareme,
    BaremeVoeu,
    Decision,
    Dossier,
    VoeuLieu,
    bareme_par_voeu,
    calculer,
    elements_du_bareme,
    etat_bareme,
    lieu_declare,
    lieu_du_voeu,
)


def dossier_de(agent: Agent, referentiel: Referentiel | None = None) -> Dossier:
    ref = referentiel or site_or_404().referentiel
    etab = ref.etablissements.get(agent.affectation_uai or "")
    return Dossier(
        corps=agent.corps or "", grade=agent.grade or "", echelon=agent.echelon or 0,
        affectation_depuis=agent.affectation_depuis,
        education_prioritaire=etab.education_prioritaire if etab else "",
        situation_familiale=agent.situation_familiale or "", enfants=agent.enfants or 0,
        jour=now().date(),
    )


def bareme_de(campaign: Campaign, agent: Agent | None = None) -> Bareme | None:
    """The dossier's elements, not per vœu (None when the campaign writes no barème)."""
    from flask import g

    agent = agent or getattr(g, "agent", None)
    if not campaign.bareme or agent is None:
        return None
    return calculer(campaign.bareme, dossier_de(agent))


def situations_du_bareme(campaign: Campaign) -> list[tuple[str, str, str]]:
    """The situations the campaign's elements match vœux against: (key, label, kind), each once."""
    keys = []
    for rule in campaign.bareme:
        key = rule.params.get("situation")
        if isinstance(key, str) and key in SITUATIONS and key not in keys:
            keys.append(key)
    return [(key, *SITUATIONS[key]) for key in keys]


@dataclass
class BaremeDemande:
    """Everything a page shows of one demande's barème."""

    etat: str  # PROVISIONNEL, RETENU or DEFINITIF (for a gestionnaire: always RETENU)
    voeux: tuple[BaremeVoeu, ...]
    rules: tuple[BaremeRule, ...]
    situations: dict[str, str]  # declared: key -> value (a département or académie code)
    situations_demandees: list[tuple[str, str, str]]
    decisions: dict[str, BaremeDecision]
    verifie: BaremeVerification | None
    corrections: list[CorrectionBareme] = field(default_factory=list)
    referentiel: Referentiel | None = None
    contestables: tuple[str, ...] = ()  # the elements a correction may name

    @property
    def provisionnel(self) -> bool:
        return self.etat == PROVISIONNEL

    @property
    def definitif(self) -> bool:
        return self.etat == DEFINITIF

    @property
    def corrections_ouvertes(self) -> bool:
        """« Demander une correction » is offered: during the phase « bareme » only."""
        return self.etat == RETENU

    def libelle(self, code: str) -> str:
        return next((r.label for r in self.rules if r.code == code), code)


def decisions_de(session: Session, demande_id: int) -> dict[str, BaremeDecision]:
    return {d.element: d for d in session.scalars(select(BaremeDecision).where(BaremeDecision.demande_id == demande_id))}


def situations_de(session: Session, demande_id: int) -> dict[str, str]:
    return dict(session.execute(select(Situation.cle, Situation.valeur).where(Situation.demande_id == demande_id)).all())


def corrections_de(session: Session, demande_id: int) -> list[CorrectionBareme]:
    return list(session.scalars(select(CorrectionBareme).where(CorrectionBareme.demande_id == demande_id)
                                .order_by(CorrectionBareme.created_at, CorrectionBareme.id)))


def calcul(campaign: Campaign, agent: Agent, voeux, situations: dict[str, str],
           decisions: dict[str, BaremeDecision] | None, verifie: bool,
           referentiel: Referentiel | None = None) -> tuple[BaremeVoeu, ...]:
    """The barème of each vœu row (rank, type, code); decisions None: provisionnel."""
    ref = referentiel or site_or_404().referentiel
    lieux = {k: lieu for k, v in situations.items() if (lieu := lieu_declare(ref, k, v)) is not None}
    voeux_lieux = [VoeuLieu(v.rank, v.type, v.code, lieu_du_voeu(ref, v.type, v.code)) for v in voeux]
    decided = None if decisions is None else {
        code: Decision(d.decision, d.points, d.motif) for code, d in decisions.items()}
    return bareme_par_voeu(campaign.bareme, dossier_de(agent, ref), voeux_lieux, lieux, decided, verifie=verifie)


def bareme_demande(session: Session, campaign: Campaign, agent: Agent, demande_id: int, voeux, *,
                   gestionnaire: bool = False) -> BaremeDemande | None:
    """The demande's barème as its reader may see it now; None when the campaign writes no barème.

    The teacher sees the barème provisionnel before the phase « bareme » (the gestionnaire's
    decisions stay his until then), the barème retenu during it and the barème définitif after it;
    the gestionnaire always sees the barème with his decisions.
    """
    if not campaign.bareme:
        return None
    etat = etat_bareme(campaign, now())
    if gestionnaire and etat == PROVISIONNEL:
        etat = RETENU
    situations = situations_de(session, demande_id)
    decisions = decisions_de(session, demande_id)
    verifie = session.get(BaremeVerification, demande_id)
    applied = None if etat == PROVISIONNEL else decisions
    ref = site_or_404().referentiel
    return BaremeDemande(
        etat=etat, voeux=calcul(campaign, agent, voeux, situations, applied, verifie is not None),
        rules=campaign.bareme, situations=situations, situations_demandees=situations_du_bareme(campaign),
        decisions=decisions, verifie=verifie, corrections=corrections_de(session, demande_id),
        referentiel=ref, contestables=tuple(r.code for r in elements_du_bareme(campaign.bareme, dossier_de(agent, ref))),
    )
