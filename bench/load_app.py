"""WSGI entry for the load bench: the project's app plus a bare « bonjour » route as the baseline.

gunicorn bench.load_app:application — the route lives here, never in the app itself.
"""
from __future__ import annotations

import os
from pathlib import Path

BASELINE_PATH = "/bench-bonjour"  # under the app's mount: /app/bench-bonjour


def _application():
    from forms_app import create_app
    from forms_app.config import REPO_ROOT
    from forms_app.wsgi import combine

    app = create_app()
    # Same Flask app, same hooks (session, CSRF gate, headers): only the view does nothing.
    app.add_url_rule(BASELINE_PATH, "bench_bonjour", lambda: "ok")
    site_dir = Path(os.environ.get("CARRIERE_SITE_DIR", "") or REPO_ROOT / "build" / "site")
    return combine(site_dir, app)


class _Lazy:
    """Build on first request, in each worker."""

    def __init__(self) -> None:
        self._app = None

    def __call__(self, environ, start_response):
        if self._app is None:
            self._app = _application()
        return self._app(environ, start_response)


application = _Lazy()
