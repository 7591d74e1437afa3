"""The worker's queue (Huey): a task « send what is due », kicked after each commit that queued notices,
and a sweep every minute that also performs due échéances.

Huey's embedded storage is a SQLite file (`instance/avis-file.db`, CARRIERE_AVIS_FILE); with
`CARRIERE_AVIS_FILE=redis://host:6379/0` the same tasks go through Redis, for several app servers and
workers. The queue only carries « there is something to send »: the notices themselves live in the
database's outbox (models.Avis), which decides what is sent, once.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey, crontab

log = logging.getLogger(__name__)

_lock = threading.Lock()
_queues: dict[str, Huey] = {}
_apps: dict[int, Flask] = {}


def huey_for(target: str) -> Huey:
    """The Huey instance of a storage target (one per target and process), with the tasks declared."""
    with _lock:
        huey = _queues.get(target)
        if huey is not None:
            return huey
        if target.startswith(("redis://", "rediss://", "unix://")):
            huey = RedisHuey("carriere-avis", url=target, results=False)
        else:
            huey = SqliteHuey("carriere-avis", filename=target, results=False)
        _declare(huey)
        _queues[target] = huey
        return huey


def _declare(huey: Huey) -> None:
    @huey.task(name="avis.livrer")
    def livrer_task() -> int:
        from .worker import livrer

        return livrer(_app()).envoyes

    @huey.periodic_task(crontab(minute="*"), name="avis.balayer")
    def balayer() -> None:
        from ..core.echeances import run_due
        from .worker import livrer

        app = _app()
        try:
            run_due(app)
        except Exception:  # the sending below must not wait for a failing échéance
            log.exception("échéances : échec, nouvel essai dans une minute")
        livrer(app)

    huey.carriere_livrer = livrer_task


def _app() -> Flask:
    """The app the worker's tasks use (made once per process)."""
    app = _apps.get(0)
    if app is None:
        from .. import create_app

        app = _apps[0] = create_app()
    return app


def use_app(app: Flask) -> None:
    """Run the worker's tasks with this app (the worker command, tests)."""
    _apps[0] = app


def queue_of(app: Flask) -> Huey:
    from .reglages import reglages

    return huey_for(reglages(app).file)


def signaler(app: Flask) -> None:
    """Ask the worker to send what is due now (nothing to do when no queue is configured)."""
    from .reglages import reglages

    if reglages(app).file:
        queue_of(app).carriere_livrer()
