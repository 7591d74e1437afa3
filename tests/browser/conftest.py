"""Browser fixtures: Debian's Chromium through Playwright, the example site built once and served locally."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import carriere_kit as kit  # noqa: E402

from generator.model import PARIS  # noqa: E402


def pytest_collection_modifyitems(items):
    """Every test of this folder drives the browser: mark it so `-m "not browser"` leaves them out."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium with the flags that keep it offline (see /work/shared/TESTING.md)."""
    kit.require_chromium()
    return {**browser_type_launch_args, "executable_path": str(kit.CHROMIUM), "args": kit.CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _short_waits(request):
    """A missing label fails in seconds, not after Playwright's default 30 s."""
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(10_000)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """(site, folder): the repository's example academy, rendered once per session."""
    return kit.example_build(tmp_path_factory)


@pytest.fixture(scope="session")
def example_site(built_site):
    return built_site[0]


@pytest.fixture(scope="session")
def live_server(built_site):
    """The built site served on a free 127.0.0.1 port."""
    server = kit.LiveServer(kit.static_site_app(built_site[1]))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server):
    """Playwright resolves page.goto("guides/") against the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris", "viewport": kit.DESKTOP}


# One per journey that spends a first password; the two Martin show the numbered identifiant.
TEACHERS = ("Jean Dupont", "Jeanne Martin", "Julien Martin", "Loïc Le Goff", "Camille Roux")
APP_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)  # the app's clock: inside specifique-2027's saisie


@pytest.fixture(scope="session")
def app_server(built_site, tmp_path_factory):
    """The built site at / and the forms app at /app on one free 127.0.0.1 port; demo teachers imported."""
    folder = tmp_path_factory.mktemp("app")
    url, accounts = kit.make_app_world(folder, kit.demo_agents(*TEACHERS))
    app, wsgi = kit.combined_app(built_site[1], url, CLOCK=lambda: APP_NOW)
    server = kit.LiveServer(wsgi)
    server.app = app
    server.accounts = accounts
    yield server
    server.stop()
    app.extensions["carriere_db"]["engine"].dispose()
