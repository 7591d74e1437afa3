"""The reads' connections (forms_app.core.db.ReadConnections): lent to one request at a time, kept between
requests, never piling up, and never carrying a stale view from one request to the next."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import update

from forms_app.core.db import new_session, write_transaction
from forms_app.dossier.models import Agent

pytestmark = pytest.mark.postgres


def _reads(app):
    return app.extensions["carriere_db"]["reads"]


def test_one_connection_serves_request_after_request(app, teacher_client, db_backend):
    client, _agent, _account = teacher_client
    client.get("/dossier/")
    (kept,) = _reads(app)._idle
    for _ in range(5):
        assert client.get("/dossier/").status_code == 200
        assert _reads(app)._idle == [kept]


def test_the_next_request_sees_what_another_connection_wrote(app, teacher_client, db_backend):
    """SQLite reads inside a snapshot: given back, the connection must not keep it for the next request."""
    client, agent, _account = teacher_client
    assert "Durand-Modifié" not in client.get("/dossier/").data.decode()
    db = new_session(app)
    with write_transaction(db):
        db.execute(update(Agent).where(Agent.id == agent.id).values(nom="Durand-Modifié"))
    db.close()
    assert "Durand-Modifié" in client.get("/dossier/").data.decode()


def test_many_threads_do_not_pile_up_connections(app, teacher_client, db_backend):
    """A server that starts a thread per request (Werkzeug's, `make demo`): connections are lent, not
    tied to threads, so at most MAX_IDLE wait whatever the number of threads."""
    client, _agent, _account = teacher_client
    cookie = client.get_cookie("carriere_session").value
    statuses: list[int] = []
    barrier = threading.Barrier(12)

    def visit():
        other = app.test_client()
        other.set_cookie("carriere_session", cookie)
        barrier.wait(timeout=30)
        for _ in range(3):
            statuses.append(other.get("/dossier/").status_code)

    threads = [threading.Thread(target=visit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 36
    assert 1 <= len(_reads(app)._idle) <= _reads(app).MAX_IDLE


def test_disposing_the_engine_closes_the_waiting_connections(app, teacher_client, db_backend):
    client, _agent, _account = teacher_client
    client.get("/dossier/")
    (kept,) = _reads(app)._idle
    app.extensions["carriere_db"]["engine"].dispose()
    assert kept.closed and _reads(app)._idle == []
    assert client.get("/dossier/").status_code == 200  # a new one is opened


def test_a_connection_given_back_forgets_its_snapshot(app, make_agent, db_backend):
    """Read through SQLAlchemy (SQLite then holds a read snapshot), give back, let another connection
    write: the next borrower reads the new value."""
    from sqlalchemy import select

    agent = make_agent()
    reads = _reads(app)
    query = select(Agent.nom).where(Agent.id == agent.id)
    first = reads.borrow()
    assert first.execute(query).scalar_one() == agent.nom
    reads.give_back(first)
    db = new_session(app)
    with write_transaction(db):
        db.execute(update(Agent).where(Agent.id == agent.id).values(nom="Martin-Nouveau"))
    db.close()
    again = reads.borrow()
    assert again is first  # the same connection, kept
    assert again.execute(query).scalar_one() == "Martin-Nouveau"
    reads.give_back(again)


def test_an_in_memory_sqlite_database_is_read_through_the_apps_own_connection(tmp_path):
    """sqlite:// lives in one connection: the reads must use it (a connection of their own would see
    an empty database), and keep none."""
    from sqlalchemy import text

    from forms_app import create_app
    from forms_app.core.db import engine_of

    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    with engine_of(app).begin() as connection:
        connection.execute(text("CREATE TABLE essai (valeur TEXT)"))
        connection.execute(text("INSERT INTO essai VALUES ('vue')"))
    reads = _reads(app)
    borrowed = reads.borrow()
    assert borrowed.execute(text("SELECT valeur FROM essai")).scalar_one() == "vue"
    reads.give_back(borrowed)
    assert reads._idle == []
    engine_of(app).dispose()
