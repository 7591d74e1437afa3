"""Redirects with a French body: « Redirection vers … » instead of Werkzeug's English « Redirecting… »."""
from __future__ import annotations

from flask import Flask
from markupsafe import escape

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PAGE = (
    '<!doctype html>\n<html lang="fr">\n<head><meta charset="utf-8"><title>Redirection</title></head>\n'
    '<body>\n<h1>Redirection</h1>\n<p>Redirection vers <a href="{href}">{href}</a>. Si la page ne s\'affiche '
    "pas d'elle-même, suivez ce lien.</p>\n</body>\n</html>\n"
)


def french_redirect_body(response):
    """Give every redirect of the app (views, gates, Werkzeug's own trailing-slash ones) a French page."""
    location = response.headers.get("Location")
    if response.status_code in REDIRECTS and location and not response.direct_passthrough:
        response.set_data(PAGE.format(href=escape(location)))
        response.mimetype = "text/html"
    return response


def init_app(app: Flask) -> None:
    app.after_request(french_redirect_body)
