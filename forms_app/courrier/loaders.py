"""Load-or-404 for messages: what an account may read, and the teacher a gestionnaire writes to."""
from __future__ import annotations

from flask import abort, g
from sqlalchemy import ColumnElement, or_, select

from ..comptes.models import Account
from ..core.db import get_session
from ..core.records import checked_id, is_gestionnaire
from .models import Message, PieceMessage


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
        select(Message).where(Message.id == checked_id(message_id), visible_messages(account))
    )
    if message is None:
        abort(404)
    return message


def load_teacher_account(identifiant: str) -> Account | None:
    """The teacher account with this identifiant, for a gestionnaire writing to it."""
    if not is_gestionnaire():
        abort(404)
    return get_session().scalar(
        select(Account).where(Account.identifiant == identifiant, Account.role == "enseignant")
    )


def load_piece_message(piece_id: int) -> PieceMessage:
    """A PDF attached to a message the logged-in account may read (404 for anything else)."""
    account = g.account
    if account is None:
        abort(404)
    piece = get_session().scalar(
        select(PieceMessage)
        .join(Message, Message.id == PieceMessage.message_id)
        .where(PieceMessage.id == checked_id(piece_id), visible_messages(account))
    )
    if piece is None:
        abort(404)
    return piece
