"""Error pages in French, in the app's layout; never a traceback."""
from __future__ import annotations

import logging

from flask import Flask, abort, g, make_response, render_template
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from .security import CSRF_MESSAGE

log = logging.getLogger(__name__)

PAGES: dict[int, tuple[str, str]] = {
    400: ("Demande incorrecte", "Le formulaire ou l'adresse envoyés ne sont pas valables. Revenez à la page précédente et réessayez."),
    401: ("Connexion nécessaire", "Connectez-vous pour accéder à cette page."),
    403: ("Accès refusé", "Cette page est réservée à d'autres profils d'utilisateurs."),
    404: ("Page introuvable", "Cette page n'existe pas ou ne vous est pas accessible. Vérifiez l'adresse ou revenez à l'accueil."),
    405: ("Méthode non autorisée", "Cette adresse ne s'utilise pas ainsi : passez par les liens et boutons des pages."),
    413: ("Envoi trop volumineux", "Les données ou le fichier envoyés dépassent la taille autorisée. Réduisez leur taille puis renvoyez le formulaire."),
    429: ("Trop de demandes", "Trop de demandes en peu de temps. Patientez quelques instants puis réessayez."),
    500: ("Erreur du service", "Une erreur inattendue s'est produite ; rien n'a été enregistré. Réessayez dans quelques instants."),
    503: ("Service momentanément indisponible", "Le service ne joint pas sa base de données pour l'instant ; rien n'a été enregistré. Réessayez dans quelques minutes."),
}
RETRY_AFTER_S = 30  # what a 503 asks the browser (and a proxy) to wait
PLAIN = {"Content-Type": "text/plain; charset=utf-8"}


def render_error(code: int, message: str | None = None):
    title, default = PAGES.get(code, PAGES[500])
    if code == 400 and g.get("csrf_refused"):
        title, default = "Session expirée", CSRF_MESSAGE
    return render_template("app/erreur.html", code=code, title=title, message=message or default), code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if code not in PAGES:
            return exc
        if code == 503:
            return unavailable()
        response = render_error(code)
        if code == 405 and getattr(exc, "valid_methods", None):
            return response[0], code, {"Allow": ", ".join(exc.valid_methods)}
        return response

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        # The server is down or unreachable, or SQLite stayed locked past the busy timeout.
        log.error("base de données indisponible : %s", exc.__class__.__name__)
        return unavailable()

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("erreur inattendue")
        try:
            return render_error(500)
        except Exception:  # the layout itself failed: answer plainly
            return "Erreur du service : réessayez dans quelques instants.", 500, PLAIN


def unavailable():
    """The 503 page; in plain text when even the layout needs the database."""
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    try:
        body, code = render_error(503)
        return body, code, headers
    except Exception:
        title, message = PAGES[503]
        return f"{title}. {message}", 503, {**headers, **PLAIN}


def refuse(code: int, message: str):
    """Stop the request with the app's error page and this French message."""
    abort(make_response(render_error(code, message)))
