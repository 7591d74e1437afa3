"""Database engine, request-scoped sessions, and the one way views write."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from flask import Flask, current_app, g
from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import Engine
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


def make_engine(url: str) -> Engine:
    """An engine for this URL, tuned for the backend."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _prepare_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


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
        g.db_session = new_session()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def write_transaction(session: Session | None = None) -> Iterator[Session]:
    """Run writes in one transaction that holds the write lock from its start; commit or roll back."""
    session = session or get_session()
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("unsaved changes outside write_transaction()")
        # End the read snapshot so the write transaction starts fresh with the lock.
        session.commit()
    session.connection(execution_options={"carriere_write": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
