"""Fixtures of the forms app: app → client → login, record factories, SQLite and PostgreSQL."""
from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import create_engine, text

from forms_app import create_app
from forms_app.comptes.identifiants import base_identifiant, next_identifiant
from forms_app.comptes.models import Account
from forms_app.core.content import SiteHolder
from forms_app.core.db import make_engine, new_session, write_transaction
from forms_app.core.migrate import upgrade
from forms_app.dossier.models import Agent
from generator.model import PARIS

FIXED_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)  # inside the specifique-2027 saisie window
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
TEACHER_PASSWORD = "une phrase assez longue pour la salle 12"
GESTIONNAIRE_PASSWORD = "le registre des mutations reste ouvert"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class FakeClock:
    """A clock tests move by hand; the app calls it for "now"."""

    def __init__(self, start: datetime = FIXED_NOW) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


# --- databases -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file migrated once per run; each test copies it."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _answers(url: str) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def _throwaway_cluster(tmp: Path) -> tuple[str, callable] | None:
    """Start a PostgreSQL cluster from Debian's binaries in tmp; None when there are none."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        return None
    bindir = bins[-1].parent
    data = tmp / "pgdata"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres user
        as_user = ["runuser", "-u", "postgres", "--"]
        tmp.chmod(0o777)
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    import socket

    with socket.socket() as probe:  # a free port: tests/robustness may start a second cluster in the same run
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(tmp / "pg.log"),
                    "-o", f"-p {port} -k {tmp} -h 127.0.0.1", "start"], check=True, capture_output=True)

    def stop() -> None:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)

    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop


@pytest.fixture(scope="session")
def postgres_server():
    """URL of a PostgreSQL server's maintenance database: configured, local, or started here."""
    configured = os.environ.get("CARRIERE_TEST_POSTGRES_URL", "").strip()
    stop = None
    if configured:
        url = configured
    else:
        url = next(
            (u for u in (f"postgresql+psycopg://{user}@127.0.0.1:5432/postgres" for user in ("postgres", "root"))
             if _answers(u)),
            None,
        )
        if url is None:
            tmp = Path(tempfile.mkdtemp(prefix="carriere-pg-"))
            try:
                started = _throwaway_cluster(tmp)
            except (subprocess.CalledProcessError, OSError) as exc:
                started = None
                reason = f"démarrage de PostgreSQL impossible : {exc}"
            else:
                reason = "aucun binaire PostgreSQL (paquet Debian postgresql)"
            if started is None:
                if os.environ.get("CI") == "true":
                    pytest.fail(f"PostgreSQL requis en CI : {reason}")
                pytest.skip(f"PostgreSQL indisponible : {reason}")
            url, stop = started
    yield url
    if stop is not None:
        stop()


@pytest.fixture(scope="session")
def postgres_database(postgres_server):
    """A fresh database for this run, migrated once, dropped at the end."""
    name = f"carriere_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres_server.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(
            text("select tablename from pg_tables where schemaname = 'public' and tablename <> 'alembic_version'")
        ).scalars().all()
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


def pytest_generate_tests(metafunc):
    """Tests marked postgres run once per backend: SQLite and PostgreSQL."""
    if "db_backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("postgres"):
        metafunc.parametrize("db_backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def db_backend(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db_url(request, db_backend, tmp_path, sqlite_template) -> str:
    """A clean, migrated database for one test."""
    if db_backend == "postgresql":
        url = request.getfixturevalue("postgres_database")
        _truncate_all(url)
        return url
    path = tmp_path / "app.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


# --- app and client ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_holder(project_root) -> SiteHolder:
    """The example academy's site model, loaded once per run."""
    return SiteHolder(str(project_root))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app_config(db_url, clock, site_holder, project_root, tmp_path) -> dict:
    """What create_app receives; a test may change it before asking for `app`."""
    return {
        "TESTING": True,
        "SECRET_KEY": "clé de test",
        "DATABASE_URL": db_url,
        "CLOCK": clock,
        "SECURITY_CLOCK": clock,
        "ARGON2_PARAMS": FAST_ARGON2,
        "SITE_ROOT": str(project_root),
        "SITE_HOLDER": site_holder,
        "WTF_CSRF_ENABLED": True,
    }


@pytest.fixture
def app(app_config):
    application = create_app(app_config)
    yield application
    application.extensions["carriere_db"]["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from(html: str | bytes) -> str:
    """The CSRF token of the first form of a page."""
    if isinstance(html, bytes):
        html = html.decode()
    found = CSRF_RE.search(html)
    assert found, "pas de jeton CSRF dans la page"
    return found.group(1)


def post_form(client, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
    """GET page (default: url) for its CSRF token, then POST data with it."""
    token = csrf_from(client.get(page or url).data)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


# --- records -----------------------------------------------------------------------------------

_numbers = itertools.count(1)


def _numen() -> str:
    return f"{next(_numbers):02d}T{uuid.uuid4().int % 10**7:07d}PES"[:13]


@pytest.fixture
def make_agent(app):
    """Create an agent (dossier) with sensible defaults; fields override them."""

    def make(**fields) -> Agent:
        moment = app.config["CLOCK"]()
        values = {
            "numen": _numen(),
            "civilite": "M.",
            "nom": "Dupont",
            "prenom": "Jean",
            "date_naissance": date(1983, 1, 13),
            "corps": "professeur certifié",
            "grade": "classe normale",
            "echelon": 7,
            "echelon_depuis": date(2024, 6, 1),
            "discipline": "L1300",
            "position": "en activité",
            "modalite_service": "temps complet",
            "affectation_uai": "",
            "affectation_depuis": date(2021, 9, 1),
            "adresse": "1 rue de Vercingétorix",
            "code_postal": "63000",
            "commune": "Clermont-Ferrand",
            "mail_pro": "jean.dupont@ac-montferrand.example",
            "mail_perso": "",
            "telephone": "",
            "portable": "",
            "situation_familiale": "Célibataire",
            "enfants": 0,
            "created_at": moment,
            "updated_at": moment,
        }
        values.update(fields)
        db = new_session(app)
        with write_transaction(db):
            agent = Agent(**values)
            db.add(agent)
        db.close()
        return agent

    return make


def _identifiant(app, prenom: str, nom: str) -> str:
    from sqlalchemy import select

    db = new_session(app)
    taken = set(db.scalars(select(Account.identifiant)).all())
    db.close()
    return next_identifiant(base_identifiant(prenom, nom), taken)


@pytest.fixture
def make_teacher(app, make_agent):
    """make_teacher(**agent fields) -> (agent, account, password); the password is already chosen."""
    hasher = app.extensions["carriere_hasher"]

    def make(*, password: str = TEACHER_PASSWORD, first_login: bool = False, **fields):
        agent = make_agent(**fields)
        moment = app.config["CLOCK"]()
        db = new_session(app)
        with write_transaction(db):
            account = Account(
                identifiant=_identifiant(app, agent.prenom, agent.nom),
                role="enseignant",
                agent_id=agent.id,
                display_name="",
                password_hash=hasher.hash(agent.numen if first_login else password),
                must_change_password=first_login,
                first_secret_expires_at=moment + timedelta(days=60) if first_login else None,
                totp_enabled=False,
                created_at=moment,
            )
            db.add(account)
        db.close()
        return agent, account, (agent.numen if first_login else password)

    return make


@pytest.fixture
def make_gestionnaire(app):
    """make_gestionnaire() -> (account, password); TOTP enrolled, secret in account.totp_secret."""
    hasher = app.extensions["carriere_hasher"]

    def make(*, prenom: str = "Claire", nom: str = "Gestion", password: str = GESTIONNAIRE_PASSWORD):
        moment = app.config["CLOCK"]()
        db = new_session(app)
        with write_transaction(db):
            account = Account(
                identifiant=_identifiant(app, prenom, nom),
                role="gestionnaire",
                agent_id=None,
                display_name=f"{prenom} {nom}",
                password_hash=hasher.hash(password),
                must_change_password=False,
                totp_secret=pyotp.random_base32(),
                totp_enabled=True,
                created_at=moment,
            )
            db.add(account)
        db.close()
        return account, password

    return make


def totp_code(app, account_id: int) -> str:
    """A TOTP code the app will accept now, moving the clock past a step already used."""
    db = new_session(app)
    account = db.get(Account, account_id)
    db.close()
    clock = app.config["CLOCK"]
    totp = pyotp.TOTP(account.totp_secret)
    if account.totp_last_step is not None and totp.timecode(clock()) <= account.totp_last_step:
        clock.advance(seconds=30 * (account.totp_last_step - totp.timecode(clock()) + 1))
    return totp.at(clock())


@pytest.fixture
def login(app):
    """login(client, identifiant, password) -> the last response; answers the TOTP step if asked."""

    def do(client, identifiant: str, password: str):
        response = post_form(client, "/connexion", {"identifiant": identifiant, "password": password})
        if response.status_code == 302 and response.headers["Location"].endswith("/connexion/code"):
            from sqlalchemy import select

            db = new_session(app)
            account_id = db.scalar(select(Account.id).where(Account.identifiant == identifiant.lower()))
            db.close()
            response = post_form(client, "/connexion/code", {"code": totp_code(app, account_id)})
        return response

    return do


@pytest.fixture
def teacher_client(client, make_teacher, login):
    """A client logged in as a teacher: (client, agent, account)."""
    agent, account, password = make_teacher()
    response = login(client, account.identifiant, password)
    assert response.status_code == 302, response.data.decode()
    return client, agent, account


@pytest.fixture
def gestionnaire_client(client, make_gestionnaire, login):
    """A client logged in as a gestionnaire: (client, account)."""
    account, password = make_gestionnaire()
    response = login(client, account.identifiant, password)
    assert response.status_code == 302, response.data.decode()
    return client, account


@pytest.fixture
def form_post():
    """form_post(client, url, data, page=None): POST with the CSRF token of page (default url)."""
    return post_form


@pytest.fixture
def csrf():
    """csrf(html) -> the CSRF token of the page's first form."""
    return csrf_from
