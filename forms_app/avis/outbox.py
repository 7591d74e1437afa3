"""Queue notices in the caller's transaction: they exist if and only if what they announce was committed."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..comptes.models import Account
from ..core.clock import security_now
from ..dossier.models import Agent
from .models import Avis, PreferenceAvis

log = logging.getLogger(__name__)

SUJET_COURRIEL = "Un nouveau message vous attend dans votre courrier"
CORPS_COURRIEL = """Bonjour,

Un nouveau message vous attend dans votre courrier du portail carrière.

Pour le lire, connectez-vous au portail :
{lien}

Ce courriel ne contient pas le message lui-même : il vous prévient seulement qu'il est arrivé.
Pour ne plus recevoir ces avis, ouvrez « Votre compte » sur le portail.
Ne répondez pas à ce courriel : écrivez à votre gestionnaire depuis votre courrier.
"""


def app_url() -> str:
    """The app's absolute address: APP_URL / CARRIERE_APP_URL, else the site's url and application path."""
    from ..core.content import site_config
    from .reglages import reglages

    if not has_app_context():  # a script writing messages without the app: the environment says it, or a path
        import os

        return os.environ.get("CARRIERE_APP_URL", "").strip().rstrip("/") or "/app"
    configured = reglages(current_app).app_url
    if configured:
        return configured
    config = site_config()
    application = getattr(config, "application", "/app") or "/app"
    if application.startswith(("http://", "https://")):
        return application.rstrip("/")
    return (getattr(config, "url", "") or "").rstrip("/") + "/" + application.strip("/")


def lien_message(message_id: int) -> str:
    return f"{app_url()}/courrier/{message_id}"


def veut_courriel(session: Session, account_id: int) -> bool:
    """The account's choice in « Votre compte » (yes unless turned off)."""
    choice = session.scalar(select(PreferenceAvis.courriel).where(PreferenceAvis.account_id == account_id))
    return True if choice is None else bool(choice)


_DESTINATAIRES = (
    select(Account.id, Agent.mail_pro, Agent.portable, PreferenceAvis.courriel)
    .join(Agent, Agent.id == Account.agent_id)
    .outerjoin(PreferenceAvis, PreferenceAvis.account_id == Account.id)
    .where(Account.role == "enseignant")
)


def avis_de_messages(session: Session, messages: Iterable[tuple[int, int]]) -> int:
    """Queue an e-mail notice for each new (message id, recipient account id) whose recipient is a teacher
    with a professional address who has not turned notices off; how many were queued."""
    messages = list(messages)
    if not messages:
        return 0
    ids = {account_id for _message_id, account_id in messages}
    found = {}
    for chunk in _chunks(sorted(ids), 900):
        for account_id, mail, _portable, courriel in session.execute(_DESTINATAIRES.where(Account.id.in_(chunk))):
            if mail and courriel is not False:
                found[account_id] = mail
    moment = security_now()
    rows = [
        {"account_id": account_id, "message_id": message_id, "canal": "courriel", "destinataire": found[account_id],
         "sujet": SUJET_COURRIEL, "corps": CORPS_COURRIEL.format(lien=lien_message(message_id)), "etat": "attente",
         "tentatives": 0, "prochain_essai_at": moment, "erreur": "", "created_at": moment}
        for message_id, account_id in messages if account_id in found
    ]
    _insert(session, rows)
    return len(rows)


def avis_sms(session: Session, sms: Iterable[tuple[int, int, str]]) -> int:
    """Queue an SMS for each (account id, message id, text) whose teacher gave a portable; how many."""
    sms = list(sms)
    if not sms:
        return 0
    portables = {}
    for chunk in _chunks(sorted({a for a, _m, _t in sms}), 900):
        for account_id, _mail, portable, _courriel in session.execute(_DESTINATAIRES.where(Account.id.in_(chunk))):
            if portable:
                portables[account_id] = portable
    moment = security_now()
    rows = [
        {"account_id": account_id, "message_id": message_id, "canal": "sms", "destinataire": portables[account_id],
         "sujet": "SMS", "corps": texte, "etat": "attente", "tentatives": 0, "prochain_essai_at": moment,
         "erreur": "", "created_at": moment}
        for account_id, message_id, texte in sms if account_id in portables
    ]
    _insert(session, rows)
    return len(rows)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _insert(session: Session, rows: list[dict]) -> None:
    if not rows:
        return
    table = Avis.__table__
    for chunk in _chunks(rows, 1000):
        session.execute(table.insert(), chunk)
    _kick_after_commit(session)


def _kick_after_commit(session: Session) -> None:
    """Once the transaction commits, tell the worker there is something to send (a failure to tell it
    costs only a delay: its periodic sweep finds the notices anyway)."""
    if not has_app_context() or session.info.get("avis_kick"):
        return
    session.info["avis_kick"] = True
    app = current_app._get_current_object()

    def kick(sess: Session) -> None:
        sess.info.pop("avis_kick", None)
        try:
            from .file import signaler

            signaler(app)
        except Exception:  # the request has committed: never fail it for the worker's sake
            log.warning("avis : le worker n'a pas pu être prévenu, il les trouvera à son prochain passage",
                        exc_info=True)

    def forget(sess: Session) -> None:
        sess.info.pop("avis_kick", None)

    event.listen(session, "after_commit", kick, once=True)
    event.listen(session, "after_rollback", forget, once=True)
