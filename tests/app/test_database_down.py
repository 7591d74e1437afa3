"""The database out of reach: a French 503 page that says to retry, the browser keeps its session."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy.orm import sessionmaker

from forms_app.core.db import ReadConnections, make_engine

MESSAGE = ("Le service ne joint pas sa base de données pour l'instant ; rien n'a été enregistré. "
           "Réessayez dans quelques minutes.")


@pytest.fixture
def cut_off(app, tmp_path):
    """cut_off(url): the app's database becomes url (unreachable) until the test ends."""
    saved = dict(app.extensions["carriere_db"])

    def cut(url: str) -> None:
        engine = make_engine(url)
        app.extensions["carriere_db"].update(engine=engine, reads=ReadConnections(engine),
                                             sessionmaker=sessionmaker(bind=engine, expire_on_commit=False))

    yield cut
    app.extensions["carriere_db"].update(saved)


UNREACHABLE = {
    "sqlite": lambda tmp: f"sqlite:///{tmp}/dossier-absent/carriere.db",
    "postgresql": lambda tmp: "postgresql+psycopg://carriere@127.0.0.1:1/carriere?connect_timeout=2",
}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.data.decode())))


@pytest.mark.parametrize("backend", UNREACHABLE)
def test_a_logged_in_teacher_gets_the_503_page_then_carries_on(teacher_client, cut_off, tmp_path, backend):
    client, _agent, _account = teacher_client
    assert client.get("/dossier/").status_code == 200
    cut_off(UNREACHABLE[backend](tmp_path))
    response = client.get("/dossier/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert MESSAGE in text_of(response)
    assert "Traceback" not in response.data.decode()
    assert "carriere_session=;" not in response.headers.get("Set-Cookie", "")  # the session is kept


def test_back_online_the_same_session_works(teacher_client, cut_off, tmp_path, app):
    client, _agent, _account = teacher_client
    saved = dict(app.extensions["carriere_db"])
    cut_off(UNREACHABLE["sqlite"](tmp_path))
    assert client.get("/dossier/").status_code == 503
    app.extensions["carriere_db"].update(saved)
    assert client.get("/dossier/").status_code == 200


def test_a_login_while_the_database_is_down_gets_the_503_page(client, cut_off, tmp_path):
    page = client.get("/connexion")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.data.decode()).group(1)
    cut_off(UNREACHABLE["sqlite"](tmp_path))
    response = client.post("/connexion", data={"csrf_token": token, "identifiant": "jdupont",
                                                "password": "un mot de passe assez long"})
    assert response.status_code == 503
    assert MESSAGE in text_of(response)


@pytest.mark.parametrize("db_backend", ["postgresql"], indirect=True)
def test_connections_the_server_closed_are_replaced_without_an_error(teacher_client, app, db_backend):
    """A PostgreSQL restart (here: every backend of the app terminated) is invisible to the next requests:
    the pool drops the connections the server closed instead of handing them out (no 503, no 500)."""
    import time

    import psycopg

    client, agent, _account = teacher_client
    for _ in range(3):
        assert client.get("/dossier/").status_code == 200
    url = app.extensions["carriere_db"]["engine"].url
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database,
                         autocommit=True) as admin:
        others = "datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        pids = [pid for (pid,) in admin.execute(f"SELECT pid FROM pg_stat_activity WHERE {others}")]
        assert pids  # the app's pooled connection(s)
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 10
        while admin.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {others}").fetchone()[0]:
            assert time.monotonic() < deadline, "the terminated backends did not end"
            time.sleep(0.05)
    response = client.get("/dossier/")
    assert response.status_code == 200
    assert agent.nom in response.data.decode()
