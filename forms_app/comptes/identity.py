"""Who a session authenticates, read with the session row; the Account and Agent records only on use.

Every request of a logged-in person needs the access gates (password to change, second factor to
enrol, role), and the vœu list's page cache needs the dossier values its page shows. Reading those as
plain columns in the session's query costs a fraction of loading the ORM records; views that use
g.account or g.agent load them then, once per request.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.ctx import _AppCtxGlobals
from flask.globals import request_ctx
from sqlalchemy import String, bindparam, cast, func, literal_column, select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from ..core import fastread
from ..core.db import get_session, read_connection
from ..dossier.models import AGENT_FIELDS, Agent
from .models import Account, UserSession


@dataclass(frozen=True, slots=True)
class Identity:
    """The account behind a session, as values."""

    account_id: int
    role: str
    must_change_password: bool
    totp_enabled: bool
    name: str  # what the header shows: the teacher's name, or the gestionnaire's display name
    agent_id: int | None
    agent_values: str  # the dossier's AGENT_FIELDS values as one text ("" without dossier): a cache key

    @property
    def is_gestionnaire(self) -> bool:
        return self.role == "gestionnaire"


_sessions, _accounts, _agents = UserSession.__table__, Account.__table__, Agent.__table__


def _dossier_text():
    """Every AGENT_FIELDS value joined in SQL into one text: one column to read instead of 23 to decode."""
    # The empty string and the separator written as SQL literals, not as 46 parameters: a statement
    # that long is one psycopg re-parses at every execution instead of keeping it converted.
    empty, separator = literal_column("''"), literal_column("'\x1f'")
    parts = [func.coalesce(cast(_agents.c[name], String), empty) for name in AGENT_FIELDS]
    text = parts[0]
    for part in parts[1:]:
        text = text.concat(separator).concat(part)
    return text.label("dossier")


def session_query(along=None):
    """The session row, its account and the account's dossier, in one Core query; along(accounts):
    (table, on clause, columns) a page reads with it (columns may use the accounts row)."""
    joins = (
        _sessions.outerjoin(_accounts, _accounts.c.id == _sessions.c.account_id)
        .outerjoin(_agents, _agents.c.id == _accounts.c.agent_id)
    )
    columns = [
        _sessions.c.id_hash, _sessions.c.account_id, _sessions.c.data, _sessions.c.created_at,
        _sessions.c.last_seen_at,
        _accounts.c.id.label("account_found"), _accounts.c.identifiant, _accounts.c.role,
        _accounts.c.must_change_password, _accounts.c.totp_enabled, _accounts.c.display_name,
        _accounts.c.agent_id, _agents.c.nom, _agents.c.prenom, _dossier_text(),
    ]
    if along is not None:
        table, on, extra = along(_accounts)
        joins = joins.outerjoin(table, on)
        columns += extra
    return select(*columns).select_from(joins).where(_sessions.c.id_hash == bindparam("id_hash"))


READ_SESSION = session_query()


@dataclass(frozen=True, slots=True)
class ReadAlong:
    """What a page reads with the session row, so that a kept page costs one query: for GET requests
    to `endpoint`, `statement` (built by session_query(along)) runs instead of READ_SESSION, with the
    parameters params(view_args) adds (None: not this time)."""

    endpoint: str
    statement: object
    params: object  # Callable[[dict], dict | None]


def register_read_along(app: Flask, read_along: ReadAlong) -> None:
    app.extensions.setdefault("carriere_read_along", {})[read_along.endpoint] = read_along


def read_along_for(app: Flask, request) -> tuple[ReadAlong, dict] | None:
    """The ReadAlong of the route this request goes to, with its parameters; None for other requests."""
    table = app.extensions.get("carriere_read_along")
    if not table or request.method not in ("GET", "HEAD"):
        return None
    context = request_ctx._get_current_object()  # open_session runs in RequestContext.push()
    adapter = context.url_adapter if context.request is request else app.create_url_adapter(request)
    try:
        endpoint, view_args = adapter.match()
    except (HTTPException, RoutingException):
        return None  # 404, 405, a redirect: the usual handling follows
    read_along = table.get(endpoint)
    if read_along is None:
        return None
    params = read_along.params(view_args)
    return None if params is None else (read_along, params)


def read_session_row(id_hash: str, along: tuple[ReadAlong, dict] | None = None):
    """The session row (with its identity columns, and a page's if along) for this token hash, or None."""
    if along is None:
        return fastread.first(read_connection(), READ_SESSION, {"id_hash": id_hash})
    read_along, params = along
    return fastread.first(read_connection(), read_along.statement, {**params, "id_hash": id_hash})


def identity_of(row) -> Identity | None:
    """The Identity a READ_SESSION row carries; None for an anonymous session or a deleted account."""
    if row.account_id is None or row.account_found is None:
        return None
    has_agent = row.agent_id is not None and row.nom is not None
    values = row.dossier if has_agent else ""
    if has_agent:
        name = f"{row.prenom} {row.nom}"
    else:
        name = row.display_name or row.identifiant
    return Identity(
        account_id=row.account_found, role=row.role, must_change_password=bool(row.must_change_password),
        totp_enabled=bool(row.totp_enabled), name=name, agent_id=row.agent_id if has_agent else None,
        agent_values=values,
    )


class AppGlobals(_AppCtxGlobals):
    """Flask's g, where g.account and g.agent are loaded from g.identity on first use."""

    @property
    def account(self) -> Account | None:
        cached = self.__dict__
        if "_account" not in cached:
            identity = cached.get("identity")
            cached["_account"] = get_session().get(Account, identity.account_id) if identity is not None else None
        return cached["_account"]

    @account.setter
    def account(self, value: Account | None) -> None:
        self.__dict__["_account"] = value

    @property
    def agent(self) -> Agent | None:
        account = self.account
        return account.agent if account is not None else None


def init_app(app: Flask) -> None:
    app.app_ctx_globals_class = AppGlobals
