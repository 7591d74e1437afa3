"""What the simulation pages read: the list of simulations, one simulation's figures, its agents with both
algorithms' results, one agent's explanation, the barres of a discipline, two simulations compared."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from generator.model import VOEU_TYPES, Referentiel

from ..dossier.models import Agent
from ..mobilite.rules import codes
from ..mobilite.rules.voeux import libelle_type_etab
from .engine import Barre, Candidat, Resultat, Voeu
from .engine.explain import explanation_of
from .entree import EXCLUSIONS
from .models import ALGORITHMES, DA, BarreSimulee, CandidatSimule, ResultatSimule, Simulation
from .simulation import points
from ..core.texte import chiffres

PAR_PAGE = 50
OBTENTIONS = {"voeu": "vœu", "maintien": "maintien sur son poste", "extension": "extension", "sans_poste": "sans poste"}


def simulations_de(session: Session, slug: str) -> list[Simulation]:
    return list(session.scalars(select(Simulation).where(Simulation.campagne == slug).order_by(Simulation.numero.desc())))


def bilan_de(simulation: Simulation) -> dict:
    return json.loads(simulation.bilan) if simulation.bilan else {}


def precedente(session: Session, simulation: Simulation) -> Simulation | None:
    """The campaign's last finished simulation of the same movement before this one."""
    return session.scalar(select(Simulation).where(
        Simulation.campagne == simulation.campagne, Simulation.mouvement == simulation.mouvement,
        Simulation.numero < simulation.numero, Simulation.bilan != "").order_by(Simulation.numero.desc()).limit(1))


def libelle_voeu(ref: Referentiel, type_: str, code: str, type_etab: str = "") -> str:
    """« Commune — Clermont-Ferrand (63000), collège »."""
    label = codes.libelle(ref, type_, code) or code
    text = f"{VOEU_TYPES.get(type_, type_)} {code} — {label}"
    return f"{text}, {libelle_type_etab(type_etab).lower()}" if type_etab else text


def libelle_poste(ref: Referentiel, uai: str, poste: str) -> str:
    """Where a result puts the agent: the établissement and its UAI."""
    etab = ref.etablissements.get(uai)
    if etab is None:
        return poste
    commune = ref.communes.get(etab.commune)
    return f"{etab.type} {etab.nom}{', ' + commune.libelle if commune else ''} ({uai})"


@dataclass
class Issue:
    """One algorithm's result for one demande, in words."""

    obtention: str
    rang: int | None
    uai: str
    poste: str
    bareme: float | None

    def texte(self, ref: Referentiel, uai_actuel: str = "") -> str:
        if self.obtention == "voeu":
            return f"vœu n°\u00a0{self.rang} : {libelle_poste(ref, self.uai, self.poste)}"
        if self.obtention == "maintien":
            return "maintien sur son poste" + (f" (vœu n°\u00a0{self.rang})" if self.rang else "")
        if self.obtention == "extension":
            return f"extension : {libelle_poste(ref, self.uai, self.poste)}"
        return "maintien sur son poste (aucun vœu obtenu)" if uai_actuel else "aucun poste"

    def cle(self) -> tuple:
        return (self.obtention, self.rang, self.poste)


def _issue(row) -> Issue:
    return Issue(row.obtention, row.rang, row.uai, row.poste, points(row.bareme))


@dataclass
class LigneAgent:
    demande_id: int
    agent_id: int
    nom: str
    prenom: str
    discipline: str
    exclusion: str
    uai_actuel: str
    issues: dict[str, Issue] = field(default_factory=dict)


def _conditions(simulation: Simulation, q: str):
    where = [CandidatSimule.simulation_id == simulation.id]
    if q:
        pattern = f"%{q.lower()}%"
        where.append(or_(func.lower(Agent.nom).like(pattern), func.lower(Agent.prenom).like(pattern),
                         func.lower(Agent.prenom + " " + Agent.nom).like(pattern),
                         *((CandidatSimule.demande_id == int(q),) if chiffres(q) and len(q) <= 9 else ())))
    return where


def agents(session: Session, simulation: Simulation, q: str = "", page: int = 1) -> tuple[int, list[LigneAgent]]:
    """(how many match, the page's rows): each demande with its agent and both algorithms' results."""
    where = _conditions(simulation, q)
    base = select(func.count()).select_from(CandidatSimule).join(Agent, Agent.id == CandidatSimule.agent_id)
    total = session.scalar(base.where(*where)) or 0
    rows = session.execute(
        select(CandidatSimule.demande_id, CandidatSimule.agent_id, Agent.nom, Agent.prenom, CandidatSimule.discipline,
               CandidatSimule.exclusion, CandidatSimule.uai_actuel)
        .join(Agent, Agent.id == CandidatSimule.agent_id).where(*where)
        .order_by(Agent.nom, Agent.prenom, CandidatSimule.demande_id)
        .offset((page - 1) * PAR_PAGE).limit(PAR_PAGE)).all()
    lignes = {r.demande_id: LigneAgent(r.demande_id, r.agent_id, r.nom, r.prenom, r.discipline,
                                       EXCLUSIONS.get(r.exclusion, r.exclusion), r.uai_actuel) for r in rows}
    if lignes:
        for r in session.execute(select(ResultatSimule).where(ResultatSimule.simulation_id == simulation.id,
                                                              ResultatSimule.demande_id.in_(list(lignes)))).scalars():
            lignes[r.demande_id].issues[r.algorithme] = _issue(r)
    return total, list(lignes.values())


@dataclass
class LigneExplication:
    rang: int
    libelle: str
    bareme: float
    barre: float | None
    phrase: str


@dataclass
class Explication:
    """One agent's vœux, her barème on each, and for each algorithm the result and why not the vœux above."""

    ligne: LigneAgent
    voeux: list[tuple[int, str, float]]  # (rang, libellé, barème)
    bareme_base: float
    par_algorithme: dict[str, tuple[Issue, list[LigneExplication]]]
    exclusion: str = ""


def explication(session: Session, simulation: Simulation, demande_id: int, ref: Referentiel) -> Explication | None:
    """None when the demande is not one of the simulation's."""
    c = session.scalar(select(CandidatSimule).where(CandidatSimule.simulation_id == simulation.id,
                                                    CandidatSimule.demande_id == demande_id))
    if c is None:
        return None
    agent = session.get(Agent, c.agent_id)
    ligne = LigneAgent(c.demande_id, c.agent_id, agent.nom, agent.prenom, c.discipline, c.exclusion, c.uai_actuel)
    if c.exclusion:
        return Explication(ligne, [], 0.0, {}, EXCLUSIONS.get(c.exclusion, c.exclusion))
    voeux = [Voeu(t, code, etab or None) for t, code, etab, _b in json.loads(c.voeux)]
    baremes = tuple(points(b) or 0.0 for *_rest, b in json.loads(c.voeux))
    candidat = Candidat(str(c.demande_id), c.discipline, tuple(voeux), baremes, points(c.bareme_base) or 0.0)
    keys = {(v.type, v.code, v.etablissement_type or "") for v in voeux}
    par: dict[str, tuple[Issue, list[LigneExplication]]] = {}
    for algorithme in ALGORITHMES:
        row = session.scalar(select(ResultatSimule).where(ResultatSimule.simulation_id == simulation.id,
                                                          ResultatSimule.algorithme == algorithme,
                                                          ResultatSimule.demande_id == demande_id))
        if row is None:
            continue
        issue = _issue(row)
        ligne.issues[algorithme] = issue
        barres = {}
        for b in session.scalars(select(BarreSimulee).where(
                BarreSimulee.simulation_id == simulation.id, BarreSimulee.algorithme == algorithme,
                BarreSimulee.discipline == c.discipline, BarreSimulee.code_voeu.in_({k[1] for k in keys}))):
            voeu = Voeu(b.type_voeu, b.code_voeu, b.type_etab or None)
            if (b.type_voeu, b.code_voeu, b.type_etab) in keys:
                barres[(c.discipline, voeu)] = Barre(c.discipline, voeu, points(b.barre), b.admis)
        for v in voeux:  # a vœu nobody was admitted on has its row; be safe with an older simulation
            barres.setdefault((c.discipline, v), Barre(c.discipline, v, None, 0))
        resultat = Resultat(candidat.id, row.poste or None, row.obtention, row.rang, points(row.bareme))
        explanation = explanation_of(candidat, resultat, barres)
        lignes = [LigneExplication(e.rang, libelle_voeu(ref, e.voeu.type, e.voeu.code, e.voeu.etablissement_type or ""),
                                   e.bareme, e.barre, e.line("son")) for e in explanation.above]
        par[algorithme] = (issue, lignes)
    return Explication(ligne, [(i + 1, libelle_voeu(ref, v.type, v.code, v.etablissement_type or ""), baremes[i])
                               for i, v in enumerate(voeux)], points(c.bareme_base) or 0.0, par)


@dataclass
class LigneBarre:
    type_voeu: str
    code_voeu: str
    type_etab: str
    libelle: str
    barres: dict[str, tuple[float | None, int]] = field(default_factory=dict)  # algorithme -> (barre, admis)


def disciplines(session: Session, simulation: Simulation) -> list[str]:
    return list(session.scalars(select(BarreSimulee.discipline).where(BarreSimulee.simulation_id == simulation.id)
                                .distinct().order_by(BarreSimulee.discipline)))


TYPE_ORDER = {t: i for i, t in enumerate(("ACA", "DPT", "GEO", "COM", "ETB", "ZRA", "ZRD", "ZRE"))}


def barres(session: Session, simulation: Simulation, discipline: str, ref: Referentiel) -> list[LigneBarre]:
    """Every vœu of the discipline some candidate made, broadest zones first, with both algorithms' barres."""
    lignes: dict[tuple[str, str, str], LigneBarre] = {}
    for b in session.scalars(select(BarreSimulee).where(BarreSimulee.simulation_id == simulation.id,
                                                        BarreSimulee.discipline == discipline)):
        key = (b.type_voeu, b.code_voeu, b.type_etab)
        ligne = lignes.get(key)
        if ligne is None:
            ligne = lignes[key] = LigneBarre(*key, libelle_voeu(ref, *key))
        ligne.barres[b.algorithme] = (points(b.barre), b.admis)
    return sorted(lignes.values(), key=lambda x: (TYPE_ORDER.get(x.type_voeu, 9), x.libelle, x.type_etab))


@dataclass
class Difference:
    """Two simulations of the same movement, one algorithm: whose result changed."""

    avant: Simulation
    apres: Simulation
    algorithme: str
    changes: list[tuple[LigneAgent, Issue | None, Issue | None]]  # the first `limite`, by name
    total: int  # demandes whose result changed
    mieux: int
    moins_bien: int
    entrees: int  # demandes only in the later simulation
    sorties: int  # demandes only in the earlier one
    memes_donnees: bool


def _rang(issue: Issue | None) -> tuple[int, int]:
    """Rough standing for the comparison: a lower vœu rank is better; keeping, extension, nothing come after."""
    if issue is None:
        return (10_000, 3)
    if issue.obtention == "voeu" and issue.rang:
        return (issue.rang, 0)
    return (1_000, {"maintien": 0, "extension": 1}.get(issue.obtention, 2))


def difference(session: Session, avant: Simulation, apres: Simulation, algorithme: str = DA,
               limite: int = 500) -> Difference:
    def issues(sim: Simulation) -> dict[int, Issue]:
        return {r.demande_id: _issue(r) for r in session.scalars(select(ResultatSimule).where(
            ResultatSimule.simulation_id == sim.id, ResultatSimule.algorithme == algorithme))}

    a, b = issues(avant), issues(apres)
    changed = sorted(d for d in set(a) | set(b) if (a.get(d).cle() if d in a else None) != (b.get(d).cle() if d in b else None))
    mieux = sum(1 for d in changed if d in a and d in b and _rang(b[d]) < _rang(a[d]))
    moins = sum(1 for d in changed if d in a and d in b and _rang(b[d]) > _rang(a[d]))
    shown = changed[:limite]
    noms = {r.demande_id: r for r in session.execute(
        select(CandidatSimule.demande_id, CandidatSimule.agent_id, Agent.nom, Agent.prenom, CandidatSimule.discipline,
               CandidatSimule.exclusion, CandidatSimule.uai_actuel, CandidatSimule.simulation_id)
        .join(Agent, Agent.id == CandidatSimule.agent_id)
        .where(CandidatSimule.simulation_id.in_((avant.id, apres.id)), CandidatSimule.demande_id.in_(shown or [0])))}
    changes = []
    for d in shown:
        r = noms.get(d)
        ligne = LigneAgent(d, r.agent_id, r.nom, r.prenom, r.discipline, r.exclusion, r.uai_actuel) if r else \
            LigneAgent(d, 0, "", "", "", "", "")
        changes.append((ligne, a.get(d), b.get(d)))
    changes.sort(key=lambda c: (c[0].nom, c[0].prenom, c[0].demande_id))
    return Difference(avant, apres, algorithme, changes, len(changed), mieux, moins, len(set(b) - set(a)), len(set(a) - set(b)),
                      bool(avant.empreinte) and avant.empreinte == apres.empreinte)


def par_rang(rapport: dict) -> dict[int, int]:
    return {rang: n for rang, n in rapport.get("satisfied_by_rank", [])}


def rangs(rapports: Iterable[dict]) -> list[int]:
    found: set[int] = set()
    for r in rapports:
        found |= set(par_rang(r))
    return sorted(found)


