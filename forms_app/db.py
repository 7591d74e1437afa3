"""Database engine, request-scoped sessions, and the one way views write."""
from __future__ import annotations

import fcntl
import os
import select
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone

from flask import Flask, current_app, g
from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

BUSY_TIMEOUT_MS = 15000


class Base(DeclarativeBase):
    """Declarative base of every model."""


class AwareDateTime(TypeDecorator):
    """Store UTC without zone (same on SQLite and PostgreSQL); read back aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use forms_app.clock.now()")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def _prepare_sqlite(engine: Engine) -> None:
    """WAL, busy timeout, foreign keys; and let us choose how each transaction begins."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from the driver so BEGIN IMMEDIATE is ours to send.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn) -> None:
        # A write transaction takes the write lock first: waits (busy_timeout) instead of failing.
        if conn.get_execution_options().get("carriere_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _prepare_postgresql(engine: Engine) -> None:
    """Hand out only live connections, without a round trip to the server.

    A connection resting in the pool has nothing to read: the server speaks only when asked. If its
    socket is readable, the server has closed it (restart, pg_terminate_backend, idle time-out: its
    farewell message or the end of the stream waits there), so the pool drops it and opens another.
    This replaces SQLAlchemy's pre-ping (a SELECT 1 before every request's first statement); a
    connection cut without a word (a network gone silent) still fails its first statement, and that
    request gets the 503 page.
    """

    @event.listens_for(engine.pool, "checkout")
    def on_checkout(dbapi_connection, _record, _proxy) -> None:
        if dbapi_connection.closed:
            raise DisconnectionError("connexion fermée")
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
        if readable:
            raise DisconnectionError("le serveur a fermé la connexion")


class WriterQueue:
    """SQLite writers of every process and thread of the app, one at a time, handed over at once.

    SQLite lets one connection write; another one waits in SQLite's busy handler, which sleeps 1, 2,
    5, 10… ms between tries, so on a busy deadline day most of a write's time would be that sleep.
    Queuing on a lock file next to the database instead wakes the next writer as soon as the lock is
    released. The kernel drops the lock of a process that dies. Only an optimisation: SQLite's own
    lock (and busy timeout) still guards writers that do not take this queue.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._fd: int | None = None
        self._pid: int | None = None

    def _descriptor(self) -> int:
        # After a fork the child needs its own open file: a shared one would share the lock too.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def __del__(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._thread_lock:
            fd = self._descriptor()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)


_WRITER_QUEUES: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()


def make_engine(url: str) -> Engine:
    """An engine for this URL, tuned for the backend."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _prepare_sqlite(engine)
        database = engine.url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _WRITER_QUEUES[engine] = WriterQueue(database + "-writers.lock")
        return engine
    engine = create_engine(url)
    _prepare_postgresql(engine)
    return engine


def init_app(app: Flask) -> None:
    """Create the engine and close the request's session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions["carriere_db"] = {"engine": engine, "sessionmaker": factory}
    app.teardown_appcontext(close_session)


def engine_of(app: Flask) -> Engine:
    return app.extensions["carriere_db"]["engine"]


def new_session(app: Flask | None = None) -> Session:
    """A session not tied to the request (CLI, session store); the caller closes it."""
    app = app or current_app
    return app.extensions["carriere_db"]["sessionmaker"]()


def get_session() -> Session:
    """The request's session, created on first use and closed at teardown."""
    if "db_session" not in g:
        reads = g.get("db_reads")
        if reads is not None and reads.dialect.name != "sqlite":
            # PostgreSQL: the session carries on with the reads' connection, back in transactions;
            # one check-out per request.
            reads.commit()  # ends SQLAlchemy's own bookkeeping: autocommit sent nothing
            reads.execution_options(isolation_level=reads.dialect.default_isolation_level)
            g.db_session = current_app.extensions["carriere_db"]["sessionmaker"](bind=reads)
        else:
            if reads is not None:
                g.pop("db_reads").close()  # its read snapshot ends; the session begins its own
            g.db_session = new_session()
    return g.db_session


def read_connection() -> Connection:
    """A connection for the plain reads a request starts with (session row, page fingerprint, the
    record a form names), until the request needs its ORM session (which then takes over).

    A bare Core connection: the ORM session's set-up costs more than these queries. On PostgreSQL it
    reads in autocommit: no BEGIN and no ROLLBACK around them (two round trips of three on a kept
    page); each statement sees what is committed, as in the read-committed transactions writes use.
    """
    if "db_session" in g:
        return get_session().connection()
    reads = g.get("db_reads")
    if reads is None:
        engine = current_app.extensions["carriere_db"]["engine"]
        reads = engine.connect()
        if engine.dialect.name != "sqlite":
            reads.execution_options(isolation_level="AUTOCOMMIT")
        g.db_reads = reads
    return reads


def autocommit_connection() -> Connection | None:
    """On PostgreSQL before the request's ORM session exists: its reads' autocommit connection, where
    one statement is one transaction (a write made of a single statement needs no BEGIN nor COMMIT).
    None otherwise (SQLite, or the ORM session already holds the connection)."""
    if "db_session" in g:
        return None
    connection = read_connection()
    return None if connection.dialect.name == "sqlite" else connection


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
    reads = g.pop("db_reads", None)
    if reads is not None:
        reads.close()


@contextmanager
def write_transaction(session: Session | None = None) -> Iterator[Session]:
    """Run writes in one transaction that holds the write lock from its start; commit or roll back."""
    session = session or get_session()
    sqlite = session.get_bind().dialect.name == "sqlite"
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("unsaved changes outside write_transaction()")
        if sqlite:
            # End the read snapshot so the write transaction starts fresh with the lock.
            session.commit()
        # PostgreSQL (read committed): each statement sees what is committed, and row locks are
        # taken by the writes themselves; the reads done so far can stay in the same transaction,
        # which spares a COMMIT and a BEGIN (two round trips).
    queue = _WRITER_QUEUES.get(session.get_bind())
    with queue.turn() if queue is not None else nullcontext():
        if sqlite or not session.in_transaction():
            session.connection(execution_options={"carriere_write": True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
