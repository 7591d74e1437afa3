"""Sending a message, and counting the unread ones: what other areas use of the courrier."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from ..comptes.models import Account
from ..core import audit
from ..core.clock import now
from .models import Message, PieceMessage

KINDS: dict[str, str] = {
    "message": "Message",
    "signalement": "Signalement de changement de situation",
    "resultat": "Résultat",
    "confirmation": "Confirmation",
    "dossier": "Mise à jour du dossier",
}
GESTIONNAIRES = "gestionnaire"


def send_message(
    session: Session,
    *,
    to_account_id: int | None = None,
    to_role: str | None = None,
    sender_account_id: int | None,
    subject: str,
    body: str,
    kind: str = "message",
    thread_id: int | None = None,
    rubrique: str | None = None,
    date_effet: date | None = None,
    pieces: Sequence = (),
) -> Message:
    """Add a message (and its audit row) to the caller's transaction; the caller commits.

    Give exactly one of to_account_id (one person) and to_role ("gestionnaire": their shared box);
    sender_account_id None means the application itself (results, confirmations). pieces: screened
    PDFs (courrier.pieces.lire_pieces), stored with the message.
    """
    if (to_account_id is None) == (to_role is None):
        raise ValueError("give exactly one of to_account_id and to_role")
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    message = Message(
        thread_id=thread_id,
        to_account_id=to_account_id,
        to_role=to_role,
        sender_account_id=sender_account_id,
        kind=kind,
        subject=subject,
        body=body,
        rubrique=rubrique,
        date_effet=date_effet,
        created_at=now(),
    )
    session.add(message)
    session.flush()
    stored = [
        PieceMessage(message_id=message.id, filename=p.filename, size=p.report.size, pages=p.report.pages,
                     sha256=p.report.sha256, data=p.data, created_at=message.created_at)
        for p in pieces
    ]
    session.add_all(stored)
    audit.record(
        session,
        actor_id=sender_account_id,
        action="courrier.envoi",
        target=f"message:{message.id}",
        after={
            "kind": kind,
            "to_account_id": to_account_id,
            "to_role": to_role,
            "thread_id": thread_id,
            "subject": subject,
            "rubrique": rubrique,
            "date_effet": date_effet.isoformat() if date_effet else None,
            **({"pieces": [p.snapshot() for p in stored]} if stored else {}),
        },
    )
    if to_account_id is not None:
        from ..avis.outbox import avis_de_messages

        avis_de_messages(session, [(message.id, to_account_id)])  # the e-mail notice commits with the message
    return message


# WHERE clause: messages whose recipient is :account_id personally, or its :role (see recipient_params).
ADDRESSED_TO = or_(Message.to_account_id == bindparam("account_id"), Message.to_role == bindparam("role"))


def recipient_params(account: Account) -> dict:
    """The parameters of ADDRESSED_TO for this account."""
    return {"account_id": account.id, "role": account.role}


def unread_count_query(account_id=None, role=None):
    """SELECT of the number of unopened messages addressed to :account_id (or its :role); given column
    expressions instead (the accounts row of an enclosing query), it counts for that row."""
    if account_id is None:
        return select(func.count(Message.id)).where(ADDRESSED_TO, Message.read_at.is_(None))
    addressed = or_(Message.to_account_id == account_id, Message.to_role == role)
    return select(func.count(Message.id)).where(addressed, Message.read_at.is_(None))


_UNREAD = unread_count_query()


def unread_count_for(session: Session, account: Account) -> int:
    """Messages addressed to the account that nobody has opened yet."""
    return session.scalar(_UNREAD, recipient_params(account)) or 0


def pieces_of(session: Session, message_ids: list[int]) -> dict[int, list[dict]]:
    """The attachments of these messages (without their content), by message id."""
    found: dict[int, list[dict]] = {}
    if not message_ids:
        return found
    query = (
        select(PieceMessage.id, PieceMessage.message_id, PieceMessage.filename, PieceMessage.size,
               PieceMessage.pages)
        .where(PieceMessage.message_id.in_(message_ids))
        .order_by(PieceMessage.id)
    )
    for piece_id, message_id, filename, size, pages in session.execute(query):
        found.setdefault(message_id, []).append(
            {"id": piece_id, "filename": filename, "ko": max(1, -(-size // 1024)), "pages": pages}
        )
    return found
