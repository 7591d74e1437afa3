"""Load-or-404 for dossiers: a teacher reaches only her own, a gestionnaire every teacher's."""
from __future__ import annotations

from flask import abort, g

from ..core.db import get_session
from ..core.records import checked_id, is_gestionnaire
from .models import Agent


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
    if not is_gestionnaire():
        own = getattr(g, "agent", None)
        if own is None or own.id != agent_id:
            abort(404)
        return own
    agent = get_session().get(Agent, checked_id(agent_id))
    if agent is None:
        abort(404)
    return agent


def load_signalement(message_id: int):
    """A signalement (the first message of its thread) the gestionnaire may read, with the dossier and the
    account of the teacher who sent it; 404 for anything else."""
    from ..comptes.models import Account
    from ..courrier.loaders import load_message

    if not is_gestionnaire():
        abort(404)
    message = load_message(message_id)
    if message.kind != "signalement" or message.thread_id is not None or message.sender_account_id is None:
        abort(404)
    account = get_session().get(Account, message.sender_account_id)
    if account is None or account.agent is None:
        abort(404)
    return message, account.agent, account
