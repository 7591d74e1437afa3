"""Load-or-404: one helper per kind of record, each checking that the current account may see it.

A record outside the account's reach answers 404, exactly like a record that does not exist, so
that ids reveal nothing.
"""
from __future__ import annotations

from flask import abort, g
from sqlalchemy import ColumnElement, or_, select

from .db import get_session
from .models import Account, Agent
from .models.courrier import Message
from .models.cv import CvEntry


# Ids are 32-bit integers in every backend; a larger number from a URL names nothing.
MAX_ID = 2**31 - 1


def _checked(record_id: int) -> int:
    if not 1 <= record_id <= MAX_ID:
        abort(404)
    return record_id


def _is_gestionnaire() -> bool:
    return g.account is not None and g.account.role == "gestionnaire"


def load_own_agent() -> Agent:
    """The dossier of the teacher who is logged in (404 for an account without one)."""
    agent = getattr(g, "agent", None)
    if agent is None:
        abort(404)
    return agent


def own_agent_id() -> int:
    """The id of the logged-in teacher's dossier, without loading it (404 for an account without one)."""
    identity = getattr(g, "identity", None)
    if identity is None or identity.agent_id is None:
        abort(404)
    return identity.agent_id


def load_dossier(agent_id: int) -> Agent:
    """A dossier: a teacher reaches only their own, a gestionnaire every teacher's."""
    if not _is_gestionnaire():
        own = getattr(g, "agent", None)
        if own is None or own.id != agent_id:
            abort(404)
        return own
    agent = get_session().get(Agent, _checked(agent_id))
    if agent is None:
        abort(404)
    return agent


def load_cv_entry(entry_id: int) -> CvEntry:
    """An entry of the logged-in teacher's own CV."""
    agent = load_own_agent()
    entry = get_session().get(CvEntry, _checked(entry_id))
    if entry is None or entry.agent_id != agent.id:
        abort(404)
    return entry


def visible_messages(account: Account) -> ColumnElement[bool]:
    """Which messages an account may read, as a WHERE clause.

    A teacher: what was sent to them or by them. A gestionnaire: the gestionnaires' shared box,
    what any gestionnaire sent, and what was sent to them personally.
    """
    if account.role == "gestionnaire":
        gestionnaires = select(Account.id).where(Account.role == "gestionnaire")
        return or_(
            Message.to_role == "gestionnaire",
            Message.to_account_id == account.id,
            Message.sender_account_id.in_(gestionnaires),
        )
    return or_(Message.to_account_id == account.id, Message.sender_account_id == account.id)


def load_message(message_id: int) -> Message:
    """A message the logged-in account may read."""
    account = g.account
    if account is None:
        abort(404)
    message = get_session().scalar(
        select(Message).where(Message.id == _checked(message_id), visible_messages(account))
    )
    if message is None:
        abort(404)
    return message


def load_teacher_account(identifiant: str) -> Account | None:
    """The teacher account with this identifiant, for a gestionnaire writing to it."""
    if not _is_gestionnaire():
        abort(404)
    return get_session().scalar(
        select(Account).where(Account.identifiant == identifiant, Account.role == "enseignant")
    )
