"""One WSGI application on one port: the built site at /, the forms app at /app.

For gunicorn: `gunicorn -w 2 -b 127.0.0.1:8000 forms_app.wsgi:application`
(CARRIERE_SITE_DIR: the built site, default build/site; the app reads the usual CARRIERE_* variables).
"""
from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

from .core.config import REPO_ROOT

SITE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
MISSING_SITE = (
    "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Site non construit</title>"
    "<h1>Site non construit</h1><p>Lancez « carriere build » puis rechargez la page. "
    "L'application est à l'adresse <a href=\"/app/\">/app/</a>.</p></html>"
)


class StaticSite:
    """Serve a built site folder: index.html for folders, 404.html when nothing matches."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _file(self, path: str) -> Path | None:
        joined = safe_join(str(self.root), path.lstrip("/"))
        if joined is None:
            return None
        candidate = Path(joined)
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.method not in ("GET", "HEAD"):
            response = Response("Méthode non autorisée.", 405, {"Allow": "GET, HEAD"})
            return response(environ, start_response)
        if not self.root.is_dir():
            response = Response(MISSING_SITE, 503, content_type="text/html; charset=utf-8")
            return response(environ, start_response)
        path = request.path
        joined = safe_join(str(self.root), path.lstrip("/"))
        if joined is not None and not path.endswith("/") and Path(joined).is_dir():
            response = Response("", 301, {"Location": request.script_root + path + "/"})
            return response(environ, start_response)
        found = self._file(path)
        status = 200
        if found is None:
            found, status = self._file("404.html"), 404
        if found is None:
            response = Response("Page introuvable.", 404, content_type="text/plain; charset=utf-8")
            return response(environ, start_response)
        mimetype = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or mimetype in ("application/javascript", "application/json"):
            mimetype += "; charset=utf-8"
        # Pages are small; reading whole files keeps no handle open (Werkzeug drops the body for HEAD).
        response = Response(found.read_bytes(), status, SITE_HEADERS, content_type=mimetype)
        return response(environ, start_response)


def combine(site_dir: Path, app: Flask, mount: str = "/app"):
    """The site at /, the app under mount."""
    return DispatcherMiddleware(StaticSite(site_dir), {mount: app})


def site_dir() -> Path:
    """The built site to serve: CARRIERE_SITE_DIR, or build/site in the repository."""
    return Path(os.environ.get("CARRIERE_SITE_DIR", "") or REPO_ROOT / "build" / "site")


def _application():
    from . import create_app

    return combine(site_dir(), create_app())


class Lazy:
    """A WSGI app built by factory() on first request, in each worker (importing stays cheap)."""

    def __init__(self, factory) -> None:
        self._factory = factory
        self._app = None

    def __call__(self, environ, start_response):
        if self._app is None:
            self._app = self._factory()
        return self._app(environ, start_response)


application = Lazy(_application)
