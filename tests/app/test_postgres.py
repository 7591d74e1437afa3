"""Storage on both databases: migrations match the models, login and import work, SQLite takes concurrent writes."""
from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text

from forms_app.comptes.models import Account, UserSession
from forms_app.core.db import Base, engine_of, get_session, new_session, write_transaction
from forms_app.core.models import AuditEntry


@pytest.mark.postgres
def test_migrations_create_exactly_the_models(app, db_backend):
    engine = engine_of(app)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
        revision = context.get_current_revision()
    assert diff == []
    assert revision is not None


@pytest.mark.postgres
def test_login_flow_on_both_databases(app, client, make_teacher, login, form_post, db_backend):
    _agent, account, numen = make_teacher(first_login=True)
    assert login(client, account.identifiant, numen).status_code == 302
    new = "un mot de passe choisi pour les deux bases"
    response = form_post(client, "/compte/mot-de-passe", {"new_password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/compte").status_code == 200
    db = new_session(app)
    assert db.scalar(select(func.count()).select_from(UserSession).where(UserSession.account_id == account.id)) == 1
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    stored = db.get(Account, account.id)
    db.close()
    assert actions == ["connexion", "mot_de_passe_change"]
    assert stored.must_change_password is False and stored.first_secret_used_at is not None
    assert stored.first_secret_used_at.tzinfo is not None  # aware datetimes round-trip on both


@pytest.mark.postgres
def test_throttle_on_both_databases(client, make_teacher, form_post, db_backend):
    make_teacher()
    for _ in range(5):
        form_post(client, "/connexion", {"identifiant": "jdupont", "password": "pas le bon mot de passe"})
    response = form_post(client, "/connexion", {"identifiant": "jdupont", "password": "pas le bon mot de passe"})
    assert response.status_code == 429


@pytest.mark.postgres
def test_write_transaction_rolls_back_on_error(app, db_backend):
    with app.app_context():
        session = get_session()
        with pytest.raises(RuntimeError):
            with write_transaction(session):
                session.add(AuditEntry(at=app.config["CLOCK"](), actor_id=None, action="essai", target="t",
                                       address=""))
                session.flush()
                raise RuntimeError("échec au milieu")
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_sqlite_is_in_wal_mode_with_a_busy_timeout(app):
    with engine_of(app).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_write_transaction_takes_the_sqlite_write_lock_first(app):
    statements: list[str] = []
    from sqlalchemy import event

    engine = engine_of(app)

    def spy(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", spy)
    try:
        with app.app_context():
            session = get_session()
            session.scalar(select(func.count()).select_from(Account))  # a read first, as views do
            with write_transaction(session):
                session.execute(text("DELETE FROM login_throttle"))
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert statements.count("BEGIN IMMEDIATE") == 1
    assert statements.index("BEGIN IMMEDIATE") < statements.index("DELETE FROM login_throttle")


def test_concurrent_sqlite_writers_never_see_database_is_locked(app):
    """Threads each read, then write in read-modify-write transactions: none fails, no update is lost."""
    errors: list[BaseException] = []
    moment = app.config["CLOCK"]()
    with app.app_context():
        session = get_session()
        with write_transaction(session):
            session.execute(text("INSERT INTO login_throttle (key, failures, last_failure_at) VALUES ('k', 0, :t)"),
                            {"t": moment.replace(tzinfo=None)})

    def worker() -> None:
        try:
            for _ in range(15):
                with app.app_context():
                    session = get_session()
                    session.execute(text("SELECT count(*) FROM accounts")).scalar()
                    with write_transaction(session):
                        value = session.execute(text("SELECT failures FROM login_throttle WHERE key = 'k'")).scalar()
                        session.execute(text("UPDATE login_throttle SET failures = :v WHERE key = 'k'"),
                                        {"v": value + 1})
        except BaseException as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine_of(app).connect() as connection:
        assert connection.exec_driver_sql("SELECT failures FROM login_throttle WHERE key = 'k'").scalar() == 90
