"""Fixtures of the robustness tests: one app and one populated world per module, put back before each test."""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from robust_world import TableState, build_world

# tests/app/conftest.py is not a package module: load it under its own name and reuse its database
# fixtures (a migrated SQLite template, PostgreSQL found or started) and its clock and Argon2 settings.
_APP_CONFTEST = Path(__file__).resolve().parent.parent / "app" / "conftest.py"
_spec = importlib.util.spec_from_file_location("carriere_app_fixtures", _APP_CONFTEST)
app_fixtures = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = app_fixtures
_spec.loader.exec_module(app_fixtures)
sqlite_template = app_fixtures.sqlite_template
postgres_server = app_fixtures.postgres_server
postgres_database = app_fixtures.postgres_database
site_holder = app_fixtures.site_holder


@pytest.fixture(scope="module")
def robust_app(request, tmp_path_factory, sqlite_template, site_holder, project_root):
    """One app per module (templates compile once); SQLite unless the module asks for postgresql."""
    from forms_app import create_app

    backend = getattr(request.module, "BACKEND", "sqlite")
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_database")
        app_fixtures._truncate_all(url)
    else:
        path = tmp_path_factory.mktemp("robuste") / "app.db"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
    clock = app_fixtures.FakeClock()
    application = create_app({
        "TESTING": True, "SECRET_KEY": "clé de test", "DATABASE_URL": url, "CLOCK": clock,
        "SECURITY_CLOCK": clock, "ARGON2_PARAMS": app_fixtures.FAST_ARGON2, "SITE_ROOT": str(project_root),
        "SITE_HOLDER": site_holder, "WTF_CSRF_ENABLED": True,
    })
    yield application
    application.extensions["carriere_db"]["engine"].dispose()


@pytest.fixture(scope="module")
def table_state(robust_app) -> TableState:
    return TableState(robust_app)


@pytest.fixture(scope="module")
def built_world(robust_app, table_state) -> dict:
    world = build_world(robust_app)
    return {**world, "initial": table_state.dump()}


@pytest.fixture
def world(built_world, table_state) -> dict:
    """The module's world as it was built: what the previous test stored is put back."""
    table_state.restore(built_world["initial"])
    return built_world


@pytest.fixture
def app(robust_app):
    return robust_app
