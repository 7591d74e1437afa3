"""« Simuler le mouvement »: read the movement's demandes, build the engine's input, run DA* and the
exchanges, keep everything; « Valider »: hand one algorithm's results to the results area.

`executer(app, simulation_id)` runs where it is started (the worker's Huey task, a thread of the app, or the
caller itself in tests): it claims the simulation, reports its progress in short transactions of its own,
writes the whole outcome in one transaction, and never writes a demande. docs/affectation.md.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import datetime

from flask import Flask
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from generator.model import Campaign, Referentiel

from ..confirmations.models import ConfirmationDemande
from ..core import audit
from ..core.clock import now, security_now
from ..core.db import new_session, write_transaction
from ..dossier.models import Agent
from ..mobilite.models import BaremeDecision, BaremeVerification, Demande, Lettre, Situation, Voeu
from ..mobilite.rules.bareme import Decision, Dossier
from .engine import (
    Affectation,
    check_mouvement,
    compare_allocations,
    compute_barres,
    report_allocation,
    run_deferred_acceptance,
    run_exchange_cycles,
    run_extension,
)
from .entree import Constructeur, DemandeLue, Entree, VoeuLu
from .models import (
    ATTENTE,
    DA,
    ECHANGES,
    ECHEC,
    EN_COURS,
    TERMINEE,
    BarreSimulee,
    CandidatSimule,
    ResultatSimule,
    Simulation,
)

log = logging.getLogger(__name__)

CHUNK = 500  # demandes read per query batch (and per progress step)
# A simulation still « en cours » without a sign of life for this long was interrupted (worker stopped).
SILENCE_S = 15 * 60
MSG_ECHEC = "La simulation a échoué : {cause}. Rien n'a été enregistré ; relancez-la."


def centiemes(points: float | None) -> int | None:
    return None if points is None else round(points * 100)


def points(value: int | None) -> float | None:
    return None if value is None else value / 100


# --- reading the demandes ------------------------------------------------------------------------------------

def compter(session: Session, campaign: Campaign, mouvement: str) -> int:
    return session.scalar(select(func.count()).select_from(Demande).where(
        Demande.campagne == campaign.slug, Demande.mouvement == mouvement)) or 0


def lire_demandes(session: Session, campaign: Campaign, mouvement: str, ref: Referentiel, jour,
                  chunk: int = CHUNK) -> Iterator[list[DemandeLue]]:
    """The movement's demandes, in chunks of `chunk` ids (keyset), with their agent, vœux, barème and état."""
    last = 0
    while True:
        conn = session.connection()  # Core statements: no ORM execution layer for these plain rows
        rows = conn.execute(
            select(Demande.id, Demande.agent_id, Demande.discipline)
            .where(Demande.campagne == campaign.slug, Demande.mouvement == mouvement, Demande.id > last)
            .order_by(Demande.id).limit(chunk)).all()
        if not rows:
            return
        last = rows[-1].id
        ids = [r.id for r in rows]
        agents = {a.id: a for a in conn.execute(select(
            Agent.id, Agent.corps, Agent.grade, Agent.echelon, Agent.affectation_uai, Agent.affectation_depuis,
            Agent.situation_familiale, Agent.enfants, Agent.date_naissance, Agent.discipline)
            .where(Agent.id.in_({r.agent_id for r in rows})))}
        voeux: dict[int, list[VoeuLu]] = {}
        for v in conn.execute(select(Voeu.demande_id, Voeu.rank, Voeu.type, Voeu.code, Voeu.type_etab)
                                 .where(Voeu.demande_id.in_(ids)).order_by(Voeu.demande_id, Voeu.rank)):
            voeux.setdefault(v.demande_id, []).append(VoeuLu(v.rank, v.type, v.code, v.type_etab or ""))
        situations: dict[int, dict[str, str]] = {}
        for s in conn.execute(select(Situation.demande_id, Situation.cle, Situation.valeur)
                                 .where(Situation.demande_id.in_(ids))):
            situations.setdefault(s.demande_id, {})[s.cle] = s.valeur
        decisions: dict[int, dict[str, Decision]] = {}
        for d in conn.execute(select(BaremeDecision.demande_id, BaremeDecision.element, BaremeDecision.decision,
                                        BaremeDecision.points_centiemes, BaremeDecision.motif)
                                 .where(BaremeDecision.demande_id.in_(ids))):
            decisions.setdefault(d.demande_id, {})[d.element] = Decision(d.decision, points(d.points_centiemes), d.motif)
        verifiees = set(conn.scalars(select(BaremeVerification.demande_id)
                                        .where(BaremeVerification.demande_id.in_(ids))))
        lettres = set(conn.scalars(select(Lettre.demande_id).where(Lettre.demande_id.in_(ids),
                                                                      Lettre.enregistree_at.is_not(None))))
        confirmations = dict(conn.execute(select(ConfirmationDemande.demande_id, ConfirmationDemande.etat)
                                             .where(ConfirmationDemande.demande_id.in_(ids))).all())
        out = []
        for r in rows:
            a = agents[r.agent_id]
            etab = ref.etablissements.get(a.affectation_uai or "")
            dossier = Dossier(corps=a.corps or "", grade=a.grade or "", echelon=a.echelon or 0,
                              affectation_depuis=a.affectation_depuis,
                              education_prioritaire=etab.education_prioritaire if etab else "",
                              situation_familiale=a.situation_familiale or "", enfants=a.enfants or 0, jour=jour)
            out.append(DemandeLue(
                demande_id=r.id, agent_id=r.agent_id, discipline=r.discipline or a.discipline or "",
                voeux=tuple(voeux.get(r.id, ())), dossier=dossier, affectation_uai=a.affectation_uai or "",
                date_naissance=a.date_naissance, lettre_enregistree=r.id in lettres,
                confirmation=confirmations.get(r.id, ""), situations=situations.get(r.id, {}),
                decisions=decisions.get(r.id, {}), verifiee=r.id in verifiees))
        yield out


# --- running ------------------------------------------------------------------------------------------------

class Avancement:
    """Write the progress (per cent and step) in short transactions of its own, at most every 0.3 s."""

    def __init__(self, session: Session, simulation_id: int) -> None:
        self.session, self.simulation_id = session, simulation_id
        self._last = 0.0

    def __call__(self, progression: int, etape: str, *, force: bool = False) -> None:
        moment = time.monotonic()
        if not force and moment - self._last < 0.3:
            return
        self._last = moment
        with write_transaction(self.session):
            self.session.execute(update(Simulation).where(Simulation.id == self.simulation_id).values(
                progression=progression, etape=etape[:120], battement_at=security_now()))


def _report(mouvement, affectation: Affectation) -> dict:
    return asdict(report_allocation(mouvement, affectation))


def empreinte(entree: Entree) -> str:
    """A digest of the input read: two simulations with the same one read the same demandes and postes."""
    h = hashlib.sha256()
    for c in entree.mouvement.candidats:
        h.update(repr((c.id, c.discipline, c.voeux, c.baremes, c.bareme_base, c.tie_break, c.poste_actuel,
                       c.must_be_placed)).encode())
    for p in entree.mouvement.postes:
        h.update(repr(p).encode())
    h.update(repr(sorted((entree.extension or {}).items())).encode())
    return h.hexdigest()


def executer(app: Flask, simulation_id: int, *, apres_etape: Callable[[str], None] | None = None) -> str:
    """Run one simulation to its end; its final état (TERMINEE, ECHEC, or what it was when not claimable)."""
    with app.app_context():
        from ..core.content import current_site

        session = new_session(app)
        try:
            with write_transaction(session):
                claimed = session.execute(update(Simulation).where(
                    Simulation.id == simulation_id, Simulation.etat == ATTENTE).values(
                    etat=EN_COURS, debut_at=security_now(), battement_at=security_now(), progression=1,
                    etape="Lecture des demandes")).rowcount
            if not claimed:
                return session.scalar(select(Simulation.etat).where(Simulation.id == simulation_id)) or ""
            simulation = session.get(Simulation, simulation_id)
            try:
                site = current_site()
                campaign = site.campaign(simulation.campagne) if site is not None else None
                if campaign is None:
                    raise RuntimeError(f"la campagne « {simulation.campagne} » n'est plus publiée")
                progress = new_session(app)
                try:
                    _run(session, simulation, campaign, site.referentiel, site.postes,
                         Avancement(progress, simulation_id), apres_etape or (lambda _etape: None))
                finally:
                    progress.close()
                return TERMINEE
            except Exception as exc:  # noqa: BLE001  (every failure is told on the page, never a stuck run)
                session.rollback()
                log.exception("simulation %s : échec", simulation_id)
                cause = str(exc) if isinstance(exc, RuntimeError) else f"erreur interne ({exc.__class__.__name__})"
                with write_transaction(session):
                    session.execute(update(Simulation).where(Simulation.id == simulation_id).values(
                        etat=ECHEC, fin_at=security_now(), erreur=MSG_ECHEC.format(cause=cause)[:2000]))
                    audit.record(session, actor_id=None, action="affectation.simulation_echec",
                                 target=f"simulation:{simulation_id}", after={"erreur": cause[:200]})
                return ECHEC
        finally:
            session.close()


def _run(session: Session, simulation: Simulation, campaign: Campaign, ref: Referentiel, postes,
         avancer: Avancement, apres_etape: Callable[[str], None]) -> None:
    durees: dict[str, float] = {}
    started = time.perf_counter()
    sid, mouvement_code, numero, actor = simulation.id, simulation.mouvement, simulation.numero, simulation.lancee_par
    if session.get_bind().dialect.name == "postgresql":
        # One snapshot for every chunk (SQLite's read transaction is one already): a consistent input.
        session.rollback()
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    total = compter(session, campaign, mouvement_code)
    constructeur = Constructeur(campaign, mouvement_code, ref, postes)
    lues = 0
    for chunk in lire_demandes(session, campaign, mouvement_code, ref, now().date()):
        constructeur.ajouter(chunk)
        lues += len(chunk)
        avancer(1 + 44 * lues // max(total, 1), f"Lecture des demandes et des barèmes ({lues} sur {total})")
    session.rollback()  # end the read snapshot before the one write transaction below
    entree = constructeur.entree()
    durees["lecture"] = time.perf_counter() - started
    apres_etape("lecture")
    problems = check_mouvement(entree.mouvement)
    if problems:
        raise RuntimeError("données incohérentes : " + " ; ".join(problems[:5]))
    mouvement, order = entree.mouvement, entree.zone_order
    avancer(46, "Algorithme de référence (DA*)", force=True)
    t = time.perf_counter()
    da_seul = run_deferred_acceptance(mouvement, zone_order=order)
    da = run_extension(mouvement, da_seul, entree.extension, zone_order=order) if entree.extension else da_seul
    durees["da"] = time.perf_counter() - t
    apres_etape("da")
    avancer(62, "Échanges de blocs après DA*", force=True)
    t = time.perf_counter()
    echanges = run_exchange_cycles(mouvement, da_seul, zone_order=order)
    if entree.extension:
        echanges = run_extension(mouvement, echanges, entree.extension, zone_order=order)
    durees["echanges"] = time.perf_counter() - t
    avancer(75, "Barres et comparaison des deux algorithmes", force=True)
    barres = {DA: compute_barres(mouvement, da, zone_order=order),
              ECHANGES: compute_barres(mouvement, echanges, zone_order=order)}
    comparaison = compare_allocations(mouvement, da, echanges, zone_order=order)
    avancer(85, "Enregistrement des résultats", force=True)
    apres_etape("enregistrement")
    t = time.perf_counter()
    exclues: dict[str, int] = {}
    for _demande, _agent, why in entree.exclues:
        exclues[why] = exclues.get(why, 0) + 1
    bilan = {
        "candidats": len(mouvement.candidats), "exclues": exclues, "postes_vacants": entree.postes_vacants,
        "sieges": entree.sieges, "non_verifiees": entree.non_verifiees, "extension": entree.extension is not None,
        "departage": list(campaign.affectation.departage), "ordre_zone": campaign.affectation.ordre_zone,
        "rapports": {DA: _report(mouvement, da), ECHANGES: _report(mouvement, echanges)},
        "comparaison": {"mieux": [entree.participants[i].demande_id for i in comparaison.better],
                        "moins_bien": [entree.participants[i].demande_id for i in comparaison.worse]},
    }
    with write_transaction(session):
        _ecrire(session, sid, entree, {DA: da, ECHANGES: echanges}, barres)
        durees["enregistrement"] = time.perf_counter() - t
        durees["total"] = time.perf_counter() - started
        bilan["durees"] = {k: round(v, 3) for k, v in durees.items()}
        session.execute(update(Simulation).where(Simulation.id == sid).values(
            etat=TERMINEE, progression=100, etape="Terminée", fin_at=security_now(), battement_at=security_now(),
            bilan=json.dumps(bilan, ensure_ascii=False), empreinte=empreinte(entree)))
        audit.record(session, actor_id=actor, action="affectation.simulation", target=f"simulation:{sid}",
                     after={"campagne": campaign.slug, "mouvement": mouvement_code, "numero": numero,
                            "candidats": bilan["candidats"],
                            "mutations_da": bilan["rapports"][DA]["moves"],
                            "mutations_echanges": bilan["rapports"][ECHANGES]["moves"]})


def _ecrire(session: Session, simulation_id: int, entree: Entree, affectations: dict[str, Affectation],
            barres: dict) -> None:
    """Insert the input read and both algorithms' results and barres (executemany, in batches)."""
    postes = {p.id: p for p in entree.mouvement.postes}
    by_id = {c.id: c for c in entree.mouvement.candidats}
    rows = []
    for ident, p in entree.participants.items():
        c = by_id[ident]
        rows.append({"simulation_id": simulation_id, "demande_id": p.demande_id, "agent_id": p.agent_id,
                     "discipline": c.discipline, "exclusion": "", "uai_actuel": p.uai_actuel,
                     "siege": c.poste_actuel or "", "entrant": p.entrant, "verifiee": p.verifiee,
                     "bareme_base": centiemes(c.bareme_base), "departage": json.dumps(list(c.tie_break)),
                     "voeux": json.dumps([[v.type, v.code, v.etablissement_type or "", centiemes(b)]
                                          for v, b in zip(c.voeux, c.baremes)], ensure_ascii=False)})
    for demande_id, agent_id, why in entree.exclues:
        rows.append({"simulation_id": simulation_id, "demande_id": demande_id, "agent_id": agent_id, "discipline": "",
                     "exclusion": why, "uai_actuel": "", "siege": "", "entrant": False, "verifiee": False,
                     "bareme_base": 0, "departage": "[]", "voeux": "[]"})
    _inserer(session, CandidatSimule, rows)
    rows = []
    for algorithme, affectation in affectations.items():
        for r in affectation.resultats:
            poste = postes.get(r.poste_id) if r.poste_id else None
            rows.append({"simulation_id": simulation_id, "algorithme": algorithme,
                         "demande_id": entree.participants[r.candidat_id].demande_id, "obtention": r.obtention,
                         "rang": r.rang, "poste": r.poste_id or "", "uai": (poste.uai or "") if poste else "",
                         "bareme": centiemes(r.bareme)})
    _inserer(session, ResultatSimule, rows)
    rows = [{"simulation_id": simulation_id, "algorithme": algorithme, "discipline": b.discipline,
             "type_voeu": b.voeu.type, "code_voeu": b.voeu.code, "type_etab": b.voeu.etablissement_type or "",
             "barre": centiemes(b.barre), "admis": b.admis}
            for algorithme, found in barres.items() for b in found.values()]
    _inserer(session, BarreSimulee, rows)


def _inserer(session: Session, model, rows: list[dict], batch: int = 5000) -> None:
    """Core executemany on the table (no ORM bookkeeping, no RETURNING): the driver batches the rows."""
    statement = insert(model.__table__)
    for start in range(0, len(rows), batch):
        session.connection().execute(statement, rows[start:start + batch])


# --- launching ----------------------------------------------------------------------------------------------

def en_cours(session: Session, campaign: Campaign) -> Simulation | None:
    """The campaign's simulation waiting or running and still alive, if any."""
    limite = security_now().timestamp() - SILENCE_S
    for s in session.scalars(select(Simulation).where(Simulation.campagne == campaign.slug,
                                                      Simulation.etat.in_((ATTENTE, EN_COURS)))):
        vu = s.battement_at or s.lancee_at
        if vu.timestamp() >= limite:
            return s
    return None


def interrompue(simulation: Simulation, moment: datetime | None = None) -> bool:
    """Waiting or running without a sign of life for SILENCE_S: the worker or the process stopped."""
    if simulation.etat not in (ATTENTE, EN_COURS):
        return False
    vu = simulation.battement_at or simulation.lancee_at
    return ((moment or security_now()) - vu).total_seconds() > SILENCE_S


def creer(session: Session, campaign: Campaign, mouvement: str, note: str, actor: int | None) -> Simulation:
    """Record a new simulation waiting to run (in the caller's write transaction), audited."""
    numero = (session.scalar(select(func.max(Simulation.numero)).where(Simulation.campagne == campaign.slug)) or 0) + 1
    simulation = Simulation(campagne=campaign.slug, mouvement=mouvement, numero=numero, note=note, etat=ATTENTE,
                            progression=0, etape="En attente", lancee_par=actor, lancee_at=security_now())
    session.add(simulation)
    session.flush()
    audit.record(session, actor_id=actor, action="affectation.lancement", target=f"simulation:{simulation.id}",
                 after={"campagne": campaign.slug, "mouvement": mouvement, "numero": numero, "note": note})
    return simulation
