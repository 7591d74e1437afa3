"""Échéances: work due when a campaign's phase starts or ends, done by the app itself, exactly once.

An area registers what it must do at a phase boundary (`register`); once that moment has passed (the
business clock, `clock.now()`), the app performs it:

- on requests: at most every `ECHEANCES_INTERVALLE` seconds (default 60; 0 turns it off, the default
  under TESTING) a request compares the registered boundaries with the clock, in memory, and starts a
  background thread when one is due that this process has not seen done: no request waits for the work;
- in the worker (`carriere avis worker`, run by `make demo` too), every minute;
- on an operator's command (`carriere mobilite echeances`).

Exactly once, whatever runs it and however many servers: each échéance has a row in `echeances` keyed
(campagne, phase, action). A batch of work runs in one write transaction that first claims that row
(inserted if missing, then locked: `SELECT … FOR UPDATE` on PostgreSQL; SQLite's writer queue and
`BEGIN IMMEDIATE` serialise everything) and commits with it; the row says when the work is finished.
A second server waits for the lock, then finds the work done (or the next batch still to do, which it
then does itself). The area's work function must pick the items it has not handled yet, so that a batch
is never done twice either.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from generator.model import Campaign

from .db import write_transaction
from .models import EcheanceFaite

log = logging.getLogger(__name__)

BORDS = ("debut", "fin")
# Travail: (session in an open write transaction, campaign, the boundary's instant) -> (items handled in
# this batch, finished?). Called again in a new transaction until it says it has finished.
Travail = Callable[[Session, Campaign, datetime], tuple[int, bool]]


@dataclass(frozen=True)
class Echeance:
    """What an area does when a phase of a campaign starts or ends."""

    action: str  # "mobilite.confirmations": area and verb, unique
    phase: str  # a phase code (generator.model.PHASE_CODES)
    bord: str  # "debut" or "fin"
    travail: Travail
    libelle: str  # for operators: « envoi des confirmations de demande »


_REGISTRE: dict[str, Echeance] = {}


def register(action: str, phase: str, bord: str, travail: Travail, libelle: str) -> Echeance:
    """Declare an échéance; registering the same action again replaces it (module reloads)."""
    if bord not in BORDS:
        raise ValueError(f"bord inconnu : {bord!r} (debut ou fin)")
    echeance = Echeance(action, phase, bord, travail, libelle)
    _REGISTRE[action] = echeance
    return echeance


def registered() -> list[Echeance]:
    return list(_REGISTRE.values())


@dataclass(frozen=True)
class Due:
    """One échéance of one campaign, and its instant."""

    campaign: Campaign
    echeance: Echeance
    at: datetime

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.campaign.slug, self.echeance.phase, self.echeance.action)


def instants(site, campagne: str | None = None) -> list[Due]:
    """Every registered échéance of the site's campaigns with its instant, in time order."""
    found = []
    for campaign in site.campaigns if site is not None else ():
        if campagne is not None and campaign.slug != campagne:
            continue
        for echeance in _REGISTRE.values():
            phase = campaign.phase(echeance.phase)
            at = None if phase is None else (phase.start if echeance.bord == "debut" else phase.end)
            if at is not None:
                found.append(Due(campaign, echeance, at))
    return sorted(found, key=lambda d: (d.at, d.campaign.slug, d.echeance.action))


def dues(site, moment: datetime, campagne: str | None = None) -> list[Due]:
    """The échéances whose instant has come at moment (at <= moment: due from the boundary itself)."""
    return [d for d in instants(site, campagne) if d.at <= moment]


@dataclass
class Bilan:
    """What one run did of one échéance."""

    due: Due
    nombre: int = 0  # items handled by this run
    deja_faite: bool = False  # found done (by another run, another server)
    notes: list[str] = field(default_factory=list)


def _claim(session: Session, key: tuple[str, str, str], moment: datetime):
    """Insert the échéance's row if missing, then lock it for this transaction; (faite_at, nombre)."""
    table = EcheanceFaite.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    campagne, phase, action = key
    session.execute(insert(table).values(campagne=campagne, phase=phase, action=action, commencee_at=moment,
                                         nombre=0).on_conflict_do_nothing())
    query = select(table.c.faite_at, table.c.nombre).where(
        table.c.campagne == campagne, table.c.phase == phase, table.c.action == action)
    if dialect == "postgresql":
        query = query.with_for_update()
    return session.execute(query).one()


def run_one(session: Session, due: Due, moment: datetime) -> Bilan:
    """Do what remains of one due échéance, batch after batch, each in a transaction that holds its row."""
    table = EcheanceFaite.__table__
    where = (table.c.campagne == due.key[0], table.c.phase == due.key[1], table.c.action == due.key[2])
    bilan = Bilan(due)
    while True:
        with write_transaction(session):
            faite_at, _nombre = _claim(session, due.key, moment)
            if faite_at is not None:
                bilan.deja_faite = bilan.nombre == 0
                return bilan
            nombre, fini = due.echeance.travail(session, due.campaign, due.at)
            values = {"nombre": table.c.nombre + nombre}
            if fini:
                values["faite_at"] = moment
            session.execute(update(table).where(*where).values(**values))
        bilan.nombre += nombre
        if fini:
            return bilan


def done_keys(session: Session) -> set[tuple[str, str, str]]:
    """The échéances recorded as finished."""
    table = EcheanceFaite.__table__
    rows = session.execute(select(table.c.campagne, table.c.phase, table.c.action)
                           .where(table.c.faite_at.is_not(None))).all()
    session.rollback()
    return {tuple(r) for r in rows}


def run_due(app: Flask, moment: datetime | None = None, campagne: str | None = None) -> list[Bilan]:
    """Perform every due échéance not done yet (in time order); what each run did."""
    from .clock import now
    from .content import current_site
    from .db import new_session

    with app.app_context():
        moment = moment or now()
        site = current_site()
        pending = dues(site, moment, campagne)
        if not pending:
            return []
        session = new_session(app)
        try:
            done = done_keys(session)
            bilans = []
            for due in pending:
                if due.key in done:
                    bilans.append(Bilan(due, deja_faite=True))
                    continue
                bilans.append(run_one(session, due, moment))
            return bilans
        finally:
            session.close()


# --- on requests: a cheap look, the work in a background thread -----------------------------------


class Veille:
    """Per process: when to look next, which échéances this process knows are done, the running thread."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_look = 0.0
        self.known_done: set[tuple[str, str, str]] = set()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.last_error: BaseException | None = None

    def look(self, app: Flask) -> threading.Thread | None:
        """Start the background run when an échéance is due that this process has not seen done."""
        from .clock import now
        from .content import current_site

        moment_s = time.monotonic()
        if moment_s < self.next_look:
            return None
        with self.lock:
            if moment_s < self.next_look or (self.thread is not None and self.thread.is_alive()):
                return None
            self.next_look = moment_s + self.interval
            moment = now()
            pending = [d for d in dues(current_site(), moment) if d.key not in self.known_done]
            if not pending:
                return None
            self.thread = threading.Thread(target=self._run, args=(app, moment), name="carriere-echeances",
                                           daemon=True)
            self.thread.start()
            return self.thread

    def _run(self, app: Flask, moment: datetime) -> None:
        try:
            for bilan in run_due(app, moment):
                self.known_done.add(bilan.due.key)
                if bilan.nombre:
                    log.info("échéance %s (%s) : %d élément(s)", bilan.due.echeance.action,
                             bilan.due.campaign.slug, bilan.nombre)
        except Exception as exc:  # a failed run is retried at the next look, never a request's failure
            self.last_error = exc
            log.exception("échéances : échec, nouvel essai au prochain passage")


def init_app(app: Flask) -> None:
    """Look for due échéances on requests, at most every ECHEANCES_INTERVALLE seconds (0: never)."""
    interval = app.config.get("ECHEANCES_INTERVALLE", 0 if app.testing else 60)
    veille = Veille(float(interval or 0))
    app.extensions["carriere_echeances"] = veille
    if not interval:
        return

    @app.before_request
    def _look_for_echeances() -> None:
        veille.look(app)
