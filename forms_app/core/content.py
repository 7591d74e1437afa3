"""The published site's model, read at start-up and re-read when content files change."""
from __future__ import annotations

import logging
import os
import threading
import time
from datetime import date
from pathlib import Path

from flask import Flask, abort, current_app

from generator.model import Accessibility, Campaign, Contacts, SiteConfig, SourceRef

log = logging.getLogger(__name__)
CHECK_EVERY = 2.0  # seconds between two mtime scans

FALLBACK_CONFIG = SiteConfig(
    academie="Académie",
    title="Portail carrière",
    base_url="http://127.0.0.1",
    base_path="/",
    app_url="/app",
    contacts=Contacts(mail="", phone=""),
    navigation=(),
    accessibility=Accessibility(
        status="non conforme", rgaa_version="4.1.2", audit_date=date(2026, 1, 1), contact=""
    ),
    templates_dir=None,
    source=SourceRef("content/site.yaml", 1),
)


def _stamp(root: Path) -> float:
    """Latest mtime among content/ and data/ files (and the folders, for deletions)."""
    latest = 0.0
    for folder in (root / "content", root / "data"):
        if not folder.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(folder):
            latest = max(latest, os.stat(dirpath).st_mtime)
            for name in files:
                try:
                    latest = max(latest, os.stat(os.path.join(dirpath, name)).st_mtime)
                except OSError:
                    continue
    return latest


class SiteHolder:
    """Keeps the loaded Site; a call returns it, reloading first when content changed."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)
        self.site = None
        self.generation = 0  # moves on with each model loaded: pages rendered from an older one are stale
        self.problems: list[str] = []
        self._stamp = -1.0
        self._checked = 0.0
        self._lock = threading.Lock()
        self.reload()

    def reload(self) -> None:
        try:
            from generator.load import load_site
        except ImportError:
            self.problems = ["generator.load introuvable : le modèle du site n'est pas chargé."]
            return
        self._stamp = _stamp(self.root)
        try:
            site, report = load_site(str(self.root))
        except Exception as exc:  # a loader bug must not take the app down
            log.exception("chargement du contenu impossible")
            self.problems = [f"chargement du contenu impossible : {exc}"]
            return
        self.problems = [str(p) for p in getattr(report, "problems", [])]
        if site is None:
            # Keep serving the last valid model: a typo saved by a publisher must not close the saisie.
            log.warning("contenu invalide sous %s : %s", self.root, "; ".join(self.problems[:5]))
            return
        self.site = site
        self.generation += 1

    def __call__(self):
        moment = time.monotonic()
        if moment - self._checked >= CHECK_EVERY:
            with self._lock:
                self._checked = moment
                if _stamp(self.root) != self._stamp:
                    self.reload()
        return self.site


def init_app(app: Flask) -> None:
    """Load the site model and give templates `site` (the SiteConfig)."""
    holder = app.config.get("SITE_HOLDER") or SiteHolder(app.config["SITE_ROOT"])
    app.extensions["carriere_site"] = holder

    @app.context_processor
    def inject_site() -> dict:
        return {"site": site_config()}

    app.jinja_env.globals["libelle_discipline"] = libelle_discipline


def current_site():
    """The Site model, or None when the content could not be loaded."""
    return current_app.extensions["carriere_site"]()


def site_or_404():
    """The Site model; 404 when the content could not be loaded (nothing to show)."""
    site = current_site()
    if site is None:
        abort(404)
    return site


def campagne_or_404(slug: str, *, mobilite: bool = True) -> Campaign:
    """A campaign of the published content; mobilite: a campaign of mutation (inter, intra, spécifique) only,
    so a promotion's or a rendez-vous' slug answers 404 on the mutation pages."""
    campaign = site_or_404().campaign(slug)
    if campaign is None or (mobilite and not campaign.is_mobilite):
        abort(404)
    return campaign


def site_generation() -> int:
    """Which loaded model current_site() returns: it changes when the content is reloaded."""
    return current_app.extensions["carriere_site"].generation


def site_config() -> SiteConfig:
    site = current_site()
    return site.config if site is not None else FALLBACK_CONFIG


def libelle_discipline(code: str) -> str:
    """"L1300" → "mathématiques" through the référentiel; the text itself when it is no known code."""
    site = current_site()
    discipline = site.referentiel.disciplines.get(code) if site is not None and code else None
    return discipline.libelle if discipline is not None else (code or "")
