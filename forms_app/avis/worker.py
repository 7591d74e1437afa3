"""Send what the outbox holds: claim a batch, send each notice, mark it sent; retry refusals with backoff.

Exactly once: a notice is claimed (a token and a lease, `avis_sortants.verrou`) in a transaction of its
own before it is sent — on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so workers never claim the same
rows; on SQLite under the writer queue — and marked sent, with the token, the moment the server has
taken it. A worker that dies leaves its unsent claims to expire (`AVIS_BAIL_S`), then another worker
sends them. The only window left is a crash between the server's « 250 OK » and that mark (a few
microseconds): that notice would go twice, with the same Message-ID.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core.clock import system_now
from ..core.db import new_session, write_transaction
from .models import Avis
from .reglages import reglages
from .transports import Refus, transports

log = logging.getLogger(__name__)

# Seconds before each new try after a refusal; after the last one the notice is given up.
BACKOFF_S = (30, 60, 120, 300, 900, 1800, 3600, 7200)
MAX_TENTATIVES = len(BACKOFF_S) + 1


def delai(tentatives: int) -> timedelta:
    """The wait after the n-th failed try (1-based)."""
    return timedelta(seconds=BACKOFF_S[min(tentatives, len(BACKOFF_S)) - 1])


@dataclass
class Bilan:
    envoyes: int = 0
    reportes: int = 0  # refused for now: tried again later
    abandonnes: int = 0


_t = Avis.__table__


def reclamer(session: Session, limite: int, bail_s: int, maintenant: datetime) -> tuple[str, list]:
    """Claim up to limite due notices for this worker; (token, rows)."""
    token = secrets.token_hex(16)
    due = (
        select(_t.c.id).where(_t.c.etat == "attente", _t.c.prochain_essai_at <= maintenant,
                              (_t.c.verrou_jusqua.is_(None)) | (_t.c.verrou_jusqua < maintenant))
        .order_by(_t.c.id).limit(limite)
    )
    with write_transaction(session):
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(session.scalars(due))
        if not ids:
            return token, []
        session.execute(update(_t).where(_t.c.id.in_(ids)).values(
            verrou=token, verrou_jusqua=maintenant + timedelta(seconds=bail_s), tentatives=_t.c.tentatives + 1))
        rows = session.execute(select(_t.c.id, _t.c.canal, _t.c.destinataire, _t.c.sujet, _t.c.corps,
                                      _t.c.tentatives).where(_t.c.id.in_(ids)).order_by(_t.c.id)).all()
    return token, rows


def _marquer(session: Session, avis_id: int, token: str, **values) -> None:
    with write_transaction(session):
        session.execute(update(_t).where(_t.c.id == avis_id, _t.c.verrou == token)
                        .values(verrou=None, verrou_jusqua=None, **values))


def livrer(app: Flask, *, limite: int = 200, maintenant: Callable[[], datetime] = system_now,
           canaux: dict | None = None, apres_envoi: Callable[[int], None] | None = None,
           une_fois: bool = False, fils: int = 1) -> Bilan:
    """Send every due notice, batch after batch, until none is left (une_fois: one batch only).

    The clock is the real one (a fixed demonstration clock must not freeze retries). canaux overrides
    the transports (tests); apres_envoi(avis_id) is called after each notice marked sent. fils: that many
    senders at once, each with its own connection to the server and its own claims.
    """
    if fils <= 1:
        return _livrer(app, limite, maintenant, canaux, apres_envoi, une_fois)
    import threading

    bilans: list[Bilan] = []

    def run() -> None:
        bilans.append(_livrer(app, limite, maintenant, None, apres_envoi, une_fois))

    threads = [threading.Thread(target=run, name=f"avis-{i}") for i in range(fils)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Bilan(sum(b.envoyes for b in bilans), sum(b.reportes for b in bilans), sum(b.abandonnes for b in bilans))


def _livrer(app: Flask, limite: int, maintenant, canaux, apres_envoi, une_fois: bool) -> Bilan:
    bilan = Bilan()
    with app.app_context():
        r = reglages(app)
        canaux = canaux if canaux is not None else transports(r)
        session = new_session(app)
        try:
            while True:
                token, rows = reclamer(session, limite, r.bail_s, maintenant())
                if not rows:
                    break
                hors_service: set[str] = set()
                for row in rows:
                    transport = canaux.get(row.canal)
                    if transport is None:
                        _marquer(session, row.id, token, etat="abandonne", erreur="aucun transport pour ce canal")
                        bilan.abandonnes += 1
                        continue
                    if row.canal in hors_service:
                        _reporter(session, row, token, "serveur indisponible pendant ce passage", maintenant, bilan)
                        continue
                    try:
                        transport.envoyer(row.destinataire, row.sujet, row.corps, row.id)
                    except Refus as refus:
                        if not refus.temporary or row.tentatives >= MAX_TENTATIVES:
                            _marquer(session, row.id, token, etat="abandonne", erreur=str(refus)[:300])
                            bilan.abandonnes += 1
                            log.warning("avis %s abandonné : %s", row.id, refus)
                        else:
                            _reporter(session, row, token, str(refus), maintenant, bilan)
                            if "injoignable" in str(refus) or "interrompu" in str(refus):
                                hors_service.add(row.canal)  # the rest of the batch waits for the next pass
                        continue
                    _marquer(session, row.id, token, etat="envoye", envoye_at=maintenant(), erreur="")
                    bilan.envoyes += 1
                    if apres_envoi is not None:
                        apres_envoi(row.id)
                if une_fois:
                    break
        finally:
            for transport in canaux.values():
                if transport is not None:
                    transport.fermer()
            session.close()
    return bilan


def _reporter(session: Session, row, token: str, erreur: str, maintenant, bilan: Bilan) -> None:
    _marquer(session, row.id, token, prochain_essai_at=maintenant() + delai(row.tentatives), erreur=erreur[:300])
    bilan.reportes += 1


def etat_outbox(session: Session) -> dict[str, int]:
    """Counts by state, for operators."""
    from sqlalchemy import func

    counts = dict(session.execute(select(_t.c.etat, func.count()).group_by(_t.c.etat)).all())
    return {etat: counts.get(etat, 0) for etat in ("attente", "envoye", "abandonne")}
