"""The forms app: teachers' dossier, CV, courrier and demandes; gestionnaires' processing."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app

from generator.frnombres import compte, nombre

from .core.config import REPO_ROOT, configure


def _date_heure(value: datetime | None) -> str:
    """18/11/2026 à 12:00"""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y à %H:%M")


def register_blueprints(app: Flask) -> None:
    """One blueprint per area."""
    from .accueil.views import bp as accueil
    from .affectation.views import bp as affectation
    from .avis.views import bp as avis
    from .confirmations.views import bp as confirmations
    from .comptes.views.reactivation import bp as comptes
    from .comptes.views.connexion import bp as auth
    from .courrier.views import bp as courrier
    from .cv.views import bp as cv
    from .dossier.views import bp as dossier
    from .evaluateurs.views import bp as evaluateurs
    from .perspectives.views import bp as perspectives
    from .promotions.views import bp as promotions
    from .rendezvous.views import bp as rendezvous
    from .gestion.views import bp as gestion
    from .mobilite.views import bp as mobilite
    from .resultats.views import bp as resultats

    for bp in (auth, accueil, dossier, cv, courrier, comptes, mobilite, avis, confirmations, resultats, gestion):
        app.register_blueprint(bp)
    for bp in (evaluateurs, promotions, rendezvous, perspectives):
        app.register_blueprint(bp)
    app.register_blueprint(affectation)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; test_config overrides configuration (DATABASE_URL, CLOCK, SITE_ROOT…)."""
    app = Flask(
        __name__,
        instance_path=str(REPO_ROOT / "instance"),
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=None,
    )
    configure(app, test_config)
    from . import schema  # noqa: F401  (every table and relationship known before the first query)
    from .comptes import access, identity
    from .comptes.sessions import DatabaseSessionInterface
    from .core import content, db, echeances, errors, redirects, security
    from .core.clock import clock_from_env

    if app.config.get("CLOCK") is None:
        clock, fixed = clock_from_env()
        app.config["CLOCK"] = clock
        app.config["FIXED_NOW"] = fixed
    app.session_interface = DatabaseSessionInterface()
    db.init_app(app)
    identity.init_app(app)
    security.init_app(app)
    redirects.init_app(app)
    content.init_app(app)
    access.init_app(app)
    register_blueprints(app)
    echeances.init_app(app)  # after the blueprints: their areas have registered their échéances
    errors.init_app(app)
    proxies = int(app.config.get("PROXIES") or 0)
    if proxies:
        # Behind N reverse proxies, the client address (throttling, audit) is in X-Forwarded-For.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies)
    app.jinja_env.filters["date_heure"] = _date_heure
    app.jinja_env.filters["nombre"] = nombre  # « 5 000 »: a narrow no-break space between thousands
    app.jinja_env.filters["compte"] = compte  # « 0 dossier », « 1 dossier », « 5 000 dossiers »
    app.jinja_env.globals["has_endpoint"] = lambda name: name in current_app.view_functions
    return app
