"""forms_app.core.fastread: the session row and a page's fingerprint read on the driver's cursor give exactly
what SQLAlchemy's execute() gives (same values, same types), on both databases."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from forms_app.comptes.identity import READ_SESSION
from forms_app.comptes.models import UserSession
from forms_app.core import fastread
from forms_app.core.db import AwareDateTime, engine_of

pytestmark = pytest.mark.postgres


def _session_hash(client) -> str:
    token = client.get_cookie("carriere_session").value
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def test_the_session_row_reads_the_same_as_with_execute(app, teacher_client, db_backend):
    client, agent, account = teacher_client
    id_hash = _session_hash(client)
    with engine_of(app).connect() as connection:
        expected = connection.execute(READ_SESSION, {"id_hash": id_hash}).first()
        got = fastread.first(connection, READ_SESSION, {"id_hash": id_hash})
    assert tuple(got) == tuple(expected)
    assert got._fields == tuple(expected._fields)
    assert got.last_seen_at.tzinfo is not None and got.created_at.tzinfo is not None  # aware, as the model says
    assert got.must_change_password is False and got.totp_enabled is False  # booleans, even on SQLite
    assert got.account_id == account.id and got.nom == agent.nom
    assert agent.nom in got.dossier and "\x1f" in got.dossier


def test_no_row_is_none(app, db_backend):
    with engine_of(app).connect() as connection:
        assert fastread.first(connection, READ_SESSION, {"id_hash": "0" * 64}) is None


_WITH_CONVERSION = select(UserSession.id_hash).where(
    UserSession.last_seen_at > bindparam("since", type_=AwareDateTime()))


def test_a_parameter_needing_conversion_is_refused(app, db_backend):
    with engine_of(app).connect() as connection, pytest.raises(TypeError, match="since"):
        fastread.first(connection, _WITH_CONVERSION, {"since": None})


def test_sql_errors_come_out_as_sqlalchemy_errors(app, db_backend):
    broken = select(UserSession.id_hash).where(UserSession.id_hash == bindparam("id_hash"))
    with engine_of(app).connect() as connection:
        connection.exec_driver_sql("DROP TABLE user_sessions" + (" CASCADE" if db_backend == "postgresql" else ""))
        # SQLite says OperationalError, PostgreSQL ProgrammingError: SQLAlchemy's classes, as execute() raises.
        with pytest.raises(OperationalError if db_backend == "sqlite" else ProgrammingError, match="user_sessions"):
            fastread.first(connection, broken, {"id_hash": "x"})
        connection.rollback()
