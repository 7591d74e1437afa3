"""« Valider » a simulation: one algorithm's results become the campaign's results, through the results
area's import (resultats.importer.import_results: every row checked, all or nothing, unpublished until
« Publier »), and its barres can become next year's history (historique.py, data/barres)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.model import Campaign, Referentiel

from ..core import audit
from ..core.clock import security_now
from ..mobilite.barres import mouvement_des_barres
from ..resultats.importer import BilanImport, LigneResultat, import_results
from ..resultats.models import EXTENSION, MAINTENU, NON_SATISFAIT, SATISFAIT
from .engine import Barre, Voeu
from .historique import barres_csv, barres_rows
from .models import ALGORITHMES, TERMINEE, BarreSimulee, CandidatSimule, ResultatSimule, Simulation
from .simulation import points


class ValidationRefusee(Exception):
    """Why a simulation cannot be validated, in French; nothing was written."""

    def __init__(self, message: str, problemes: list[str] | None = None, status: int = 409) -> None:
        super().__init__(message)
        self.message, self.problemes, self.status = message, problemes or [], status


def lignes_resultats(session: Session, simulation: Simulation, algorithme: str) -> list[LigneResultat]:
    """One result per demande of the simulated movement: the candidates' as the algorithm gave them, the
    demandes left out (non recevable, annulée, sans vœu) « non satisfait »."""
    issues = {r.demande_id: r for r in session.scalars(select(ResultatSimule).where(
        ResultatSimule.simulation_id == simulation.id, ResultatSimule.algorithme == algorithme))}
    lignes = []
    for c in session.scalars(select(CandidatSimule).where(CandidatSimule.simulation_id == simulation.id)
                             .order_by(CandidatSimule.demande_id)):
        r = issues.get(c.demande_id)
        if c.exclusion or r is None:
            lignes.append(LigneResultat(c.demande_id, NON_SATISFAIT, agent_id=c.agent_id))
        elif r.obtention == "voeu":
            lignes.append(LigneResultat(c.demande_id, SATISFAIT, r.rang, r.uai, agent_id=c.agent_id))
        elif r.obtention == "extension":
            lignes.append(LigneResultat(c.demande_id, EXTENSION, None, r.uai, agent_id=c.agent_id))
        elif r.obtention == "maintien" or c.uai_actuel:
            # Kept on her seat (a vœu on it, or none obtained), or nothing obtained in a specific movement.
            lignes.append(LigneResultat(c.demande_id, MAINTENU, agent_id=c.agent_id))
        else:
            lignes.append(LigneResultat(c.demande_id, NON_SATISFAIT, agent_id=c.agent_id))
    return lignes


def valider(session: Session, campaign: Campaign, simulation: Simulation, algorithme: str, actor: int | None,
            referentiel: Referentiel) -> BilanImport:
    """Import the algorithm's results as the campaign's (in the caller's write transaction), audited."""
    if algorithme not in ALGORITHMES:
        raise ValidationRefusee("Choisissez l'algorithme dont les résultats deviennent ceux de la campagne.",
                                status=400)
    if simulation.etat != TERMINEE:
        raise ValidationRefusee("Seule une simulation terminée peut être validée : attendez la fin de celle-ci ou "
                                "lancez-en une autre.")
    bilan = import_results(session, campaign, lignes_resultats(session, simulation, algorithme), actor,
                           fichier=f"simulation n° {simulation.numero}", referentiel=referentiel)
    before = simulation.snapshot()
    simulation.validee_at, simulation.validee_par, simulation.algorithme_valide = security_now(), actor, algorithme
    audit.record(session, actor_id=actor, action="affectation.validation", target=f"simulation:{simulation.id}",
                 before=before, after={**simulation.snapshot(), "crees": bilan.crees, "modifies": bilan.modifies,
                                       "inchanges": bilan.inchanges})
    return bilan


def annee_du_mouvement(campaign: Campaign) -> int:
    """The rentrée the movement fills: the second year of « 2026-2027 »."""
    digits = campaign.year.split("-")[-1].strip()
    return int(digits) if digits.isdigit() else 0


def csv_des_barres(session: Session, campaign: Campaign, simulation: Simulation, algorithme: str) -> str:
    """The simulation's barres as a data/barres file (historique.py), for next year's comparateur."""
    found = [Barre(b.discipline, Voeu(b.type_voeu, b.code_voeu, b.type_etab or None), points(b.barre), b.admis)
             for b in session.scalars(select(BarreSimulee).where(BarreSimulee.simulation_id == simulation.id,
                                                                 BarreSimulee.algorithme == algorithme))]
    return barres_csv(barres_rows(found, annee=annee_du_mouvement(campaign),
                                  mouvement=mouvement_des_barres(campaign, simulation.mouvement)))
