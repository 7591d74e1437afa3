"""Server-side sessions: the cookie holds only a random token; data and account live in the database."""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta

from flask import Flask, Request, Response
from flask import session as flask_session
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import CallbackDict

from ..core.clock import security_now as now
from ..core.db import new_session, write_transaction
from .identity import Identity, identity_of, read_along_for, read_session_row
from .models import UserSession

TOUCH_EVERY = timedelta(seconds=60)  # refresh last_seen_at at most once a minute: fewer writes


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    """Session data plus the account it authenticates (None: anonymous)."""

    def __init__(self, data=None, *, token=None, account_id=None, created_at=None, last_seen_at=None,
                 identity: Identity | None = None, along: tuple | None = None):
        def on_update(_self):
            self.modified = True

        super().__init__(data or {}, on_update)
        self.token: str | None = token
        self.account_id: int | None = account_id
        self.identity = identity  # who the session authenticates, read with it (None: nobody, or gone)
        self.along = along  # (endpoint, parameters, row): what a page read with the session row (ReadAlong)
        self.created_at: datetime | None = created_at
        self.last_seen_at: datetime | None = last_seen_at
        self.modified = False
        self.expired = False  # the browser sent a token for a session that timed out
        self.destroyed = False
        self.unavailable = False  # the database could not be read: nothing is written back
        self.old_token: str | None = None

    def regenerate(self, account_id: int | None) -> None:
        """Give this browser a new session id (and empty data): no fixation across login."""
        if self.token is not None:
            self.old_token = self.token
        self.token = None
        self.account_id = account_id
        self.identity = None
        self.along = None
        self.created_at = None
        self.clear()
        self.modified = True

    def destroy(self) -> None:
        """End the session now (logout)."""
        if self.token is not None:
            self.old_token = self.token
        self.token = None
        self.account_id = None
        self.identity = None
        self.along = None
        self.clear()
        self.destroyed = True


class DatabaseSessionInterface(SessionInterface):
    """Load and store ServerSession rows; enforce idle and absolute time-outs."""

    def _limits(self, app: Flask) -> tuple[timedelta, timedelta]:
        return (
            timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]),
            timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"]),
        )

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app), "")
        if not token or len(token) > 100 or not token.isascii():
            return ServerSession()
        try:
            along = read_along_for(app, request)
            row = read_session_row(token_hash(token), along)
        except OperationalError:
            # The database cannot be reached: the request gets the 503 page (auth.load_account),
            # and the browser keeps its cookie for when the service is back.
            down = ServerSession()
            down.unavailable = True
            return down
        if row is None:
            fresh = ServerSession()
            fresh.expired = True
            return fresh
        idle, absolute = self._limits(app)
        current = now()
        if current - row.last_seen_at > idle or current - row.created_at > absolute:
            db = new_session(app)
            try:
                with write_transaction(db):
                    db.execute(delete(UserSession).where(UserSession.id_hash == row.id_hash))
            finally:
                db.close()
            fresh = ServerSession()
            fresh.expired = True
            return fresh
        try:
            data = json.loads(row.data or "{}")
        except ValueError:
            data = {}
        return ServerSession(
            data,
            token=token,
            account_id=row.account_id,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            identity=identity_of(row),
            along=(along[0].endpoint, along[1], row) if along is not None else None,
        )

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if session.unavailable:
            return
        current = now()
        if (session.token is not None and session.old_token is None and not session.destroyed
                and not session.modified and current - session.last_seen_at <= TOUCH_EVERY):
            return  # the usual case: nothing to write, the browser already has its cookie
        db = new_session(app)
        try:
            if session.old_token is not None:
                with write_transaction(db):
                    db.execute(
                        delete(UserSession).where(UserSession.id_hash == token_hash(session.old_token))
                    )
            if session.destroyed or (session.token is None and not session and session.account_id is None):
                if session.destroyed or session.expired:
                    response.delete_cookie(name, domain=domain, path=path)
                return
            if session.token is None:
                session.token = secrets.token_urlsafe(32)
                with write_transaction(db):
                    db.add(
                        UserSession(
                            id_hash=token_hash(session.token),
                            account_id=session.account_id,
                            data=json.dumps(dict(session)),
                            created_at=current,
                            last_seen_at=current,
                        )
                    )
            elif session.modified or current - session.last_seen_at > TOUCH_EVERY:
                with write_transaction(db):
                    _write_data(db, session, current)
            else:
                return
        finally:
            db.close()
        response.set_cookie(
            name,
            session.token,
            domain=domain,
            path=path,
            httponly=self.get_cookie_httponly(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
        )


def session_row_params(flash: tuple[str, str] | None) -> dict | None:
    """What a write that ends the request would store in the browser session's row (its data, plus
    flash if not already waiting): the parameters of an UPDATE user_sessions … WHERE id_hash = :id_hash
    setting data = :data, last_seen_at = :seen. None: a new or renewed session, left to save_session."""
    session = flask_session._get_current_object()
    if not isinstance(session, ServerSession) or session.token is None or session.destroyed \
            or session.old_token is not None:
        return None
    data = dict(session)
    if flash is not None:
        waiting = list(data.get("_flashes", ()))
        if list(flash) not in [list(item) for item in waiting]:
            data["_flashes"] = [*waiting, flash]
    return {"id_hash": token_hash(session.token), "data": json.dumps(data), "seen": now()}


def session_saved(params: dict | None) -> None:
    """After a write stored session_row_params' params: save_session has nothing left to write."""
    session = flask_session._get_current_object()
    if params is not None and isinstance(session, ServerSession):
        session.modified = False
        session.last_seen_at = params["seen"]


def _write_data(db, session: ServerSession, current: datetime) -> None:
    """Store the session's data and mark it seen now, in db's current transaction."""
    db.connection().execute(_SAVE_DATA, {"b_id_hash": token_hash(session.token),
                                         "data": json.dumps(dict(session)), "now": current})
    session.last_seen_at = current


_SAVE_DATA = (
    update(UserSession.__table__).where(UserSession.__table__.c.id_hash == bindparam("b_id_hash"))
    .values(data=bindparam("data"), last_seen_at=bindparam("now"))
)


def end_sessions_of(db, account_id: int) -> None:
    """Delete every session of an account (password change, reset); call inside a write transaction."""
    db.execute(delete(UserSession).where(UserSession.account_id == account_id))


def purge_expired(db, app: Flask) -> None:
    """Delete sessions idle for longer than the idle time-out; call inside a write transaction."""
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    db.execute(delete(UserSession).where(UserSession.last_seen_at < now() - idle))


def count_sessions(db, account_id: int) -> int:
    return len(db.scalars(select(UserSession.id_hash).where(UserSession.account_id == account_id)).all())
