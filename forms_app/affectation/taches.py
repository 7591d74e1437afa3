"""Where a simulation runs: the project's queue (Huey: the worker `carriere avis worker` takes it), or a
thread of the app when no queue is configured (tests, a lone server), or right away when the app says so.

The task is declared on the same Huey instance as the notices' (avis/file.py), when the app is created,
so the worker knows it by name. The queue carries only « run simulation N »: the database decides, the
claim in `simulation.executer` runs each simulation once whoever picks it up.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask

from .simulation import executer

log = logging.getLogger(__name__)
TACHE = "affectation.simuler"
# app.config["AFFECTATION_EXECUTION"]: "file" (the default: the queue when configured, else a thread),
# "fil" (always a thread of this process) or "immediat" (in the request itself: tests).
MODES = ("file", "fil", "immediat")


def _queue(app: Flask):
    """The notices' Huey instance, when a queue is configured; None otherwise."""
    from ..avis.file import huey_for
    from ..avis.reglages import reglages

    try:
        target = reglages(app).file
        return huey_for(target) if target else None
    except Exception:  # a bad setting, Redis without its package: the worker says it; run in a thread here
        log.exception("file des tâches indisponible : les simulations tourneront dans un fil de l'application")
        return None


def declarer(app: Flask) -> None:
    """Declare the task on the app's queue (once per Huey instance), bound to this app."""
    huey = _queue(app)
    if huey is None or getattr(huey, "carriere_simuler", None) is not None:
        return

    @huey.task(name=TACHE)
    def simuler(simulation_id: int) -> str:
        return executer(app, simulation_id)

    huey.carriere_simuler = simuler


def lancer(app: Flask, simulation_id: int) -> str:
    """Start the simulation where the app's configuration says; how: "file", "fil" or "immediat"."""
    mode = app.config.get("AFFECTATION_EXECUTION", "file")
    if mode == "immediat":
        executer(app, simulation_id)
        return "immediat"
    if mode == "file":
        huey = _queue(app)
        if huey is not None:
            declarer(app)
            try:
                huey.carriere_simuler(simulation_id)
                return "file"
            except Exception:  # queue unreachable: run it here rather than leave it waiting
                log.exception("file des tâches injoignable : simulation %s lancée dans un fil", simulation_id)
    thread = threading.Thread(target=executer, args=(app, simulation_id), name=f"simulation-{simulation_id}",
                              daemon=True)
    thread.start()
    return "fil"
