"""WSGI entry for the load bench: the project's app plus a bare « bonjour » route as the baseline.

gunicorn bench.load_app:application — the route lives here, never in the app itself.
"""
from __future__ import annotations

from forms_app.wsgi import Lazy

BASELINE_PATH = "/bench-bonjour"  # under the app's mount: /app/bench-bonjour


def _application():
    from forms_app import create_app
    from forms_app.wsgi import combine, site_dir

    app = create_app()
    # Same Flask app, same hooks (session, CSRF gate, headers): only the view does nothing.
    app.add_url_rule(BASELINE_PATH, "bench_bonjour", lambda: "ok")
    return combine(site_dir(), app)


application = Lazy(_application)
