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
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool
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
            raise ValueError("naive datetime refused: use forms_app.core.clock.now()")
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
        if _closed_by_server(dbapi_connection):
            raise DisconnectionError("le serveur a fermé la connexion")


def _closed_by_server(driver_connection) -> bool:
    """A psycopg connection at rest that is closed, or whose socket has something to read."""
    if driver_connection.closed:
        return True
    readable, _, _ = select.select([driver_connection.fileno()], [], [], 0)
    return bool(readable)


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


class ReadConnections:
    """Connections for the reads requests start with, lent to one request at a time and kept between
    requests (at most MAX_IDLE waiting).

    Checking a connection out of SQLAlchemy's pool and back in (its events, reset, the isolation
    level) costs about as much as the one query a kept page needs: these are lent from a plain list
    instead, by an engine of their own (no pool: the list is the pool, so they never take the places
    the ORM sessions need). On PostgreSQL the engine reads in autocommit: each statement is its own
    transaction, nothing stays open between requests. On SQLite the read snapshot ends when the
    connection is given back. A connection the server closed is replaced before use (_alive).
    A forked child never reuses its parent's.
    """

    MAX_IDLE = 8

    def __init__(self, engine: Engine) -> None:
        database = engine.url.database or ""
        # An in-memory SQLite database exists only in the engine's own connection: share it, keep nothing.
        self.shared = engine.dialect.name == "sqlite" and (database in ("", ":memory:") or "memory" in database
                                                           or "mode=memory" in str(engine.url))
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        event.listen(engine, "engine_disposed", lambda _engine: self.close_all())
        if self.shared:
            self.engine = engine
            return
        options: dict = {"poolclass": NullPool}
        if engine.dialect.name == "sqlite":
            options["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
        else:
            options["isolation_level"] = "AUTOCOMMIT"
        self.engine = create_engine(engine.url, **options)
        if engine.dialect.name == "sqlite":
            _prepare_sqlite(self.engine)

    def borrow(self) -> Connection:
        with self._lock:
            if self._pid != os.getpid():  # a forked child: the parent's connections are the parent's
                self._idle, self._pid = [], os.getpid()
        while True:
            with self._lock:
                connection = self._idle.pop() if self._idle else None
            if connection is None:
                return self.engine.connect()
            if not connection.closed and not connection.invalidated and _alive(connection):
                return connection
            self._discard(connection)

    def give_back(self, connection: Connection) -> None:
        """End what the connection has open (SQLite's read snapshot) and keep it for another request."""
        try:
            if connection.in_transaction():
                connection.rollback()
        except SQLAlchemyError:
            self._discard(connection)
            return
        with self._lock:
            if (not self.shared and self._pid == os.getpid() and len(self._idle) < self.MAX_IDLE
                    and not connection.invalidated):
                self._idle.append(connection)
                return
        self._discard(connection)

    @staticmethod
    def _discard(connection: Connection) -> None:
        try:
            connection.close()
        except SQLAlchemyError:
            pass

    def close_all(self) -> None:
        """Close the waiting connections (the app's engine is disposed)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            self._discard(connection)
        if not self.shared:
            self.engine.dispose()


def _alive(connection: Connection) -> bool:
    """False when the server has closed this PostgreSQL connection (see _prepare_postgresql)."""
    return connection.dialect.name == "sqlite" or not _closed_by_server(connection.connection.driver_connection)


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
    app.extensions["carriere_db"] = {"engine": engine, "sessionmaker": factory, "reads": ReadConnections(engine)}
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
        _give_back_reads()  # SQLite: its read snapshot ends; the session begins its own
        g.db_session = new_session()
    return g.db_session


def read_connection() -> Connection:
    """The connection for the plain reads a request starts with (session row, page fingerprint, the
    record a form names), until the request needs its ORM session (which then takes over).

    A bare Core connection, lent by ReadConnections: the ORM session's set-up, and even a pool
    check-out, cost more than these queries. On PostgreSQL it reads in autocommit: no BEGIN and no
    ROLLBACK around them; each statement sees what is committed, as in the read-committed
    transactions writes use.
    """
    if "db_session" in g:
        return get_session().connection()
    reads = g.get("db_reads")
    if reads is None:
        reads = g.db_reads = current_app.extensions["carriere_db"]["reads"].borrow()
    return reads


def _give_back_reads() -> None:
    reads = g.pop("db_reads", None)
    if reads is not None:
        current_app.extensions["carriere_db"]["reads"].give_back(reads)


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
    _give_back_reads()


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
