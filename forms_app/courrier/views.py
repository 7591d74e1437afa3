"""Courrier: messages between gestionnaires and teachers, read receipts and the unread count."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from generator.model import PARIS

from ..comptes.access import login_required
from ..comptes.models import Account
from ..core import audit
from ..core.clock import now
from ..core.db import get_session, write_transaction
from ..core.security import form_view
from ..dossier.forms import RUBRIQUES_SIGNALEMENT
from ..core.fichiers import pdf_attachment
from .forms import MessageForm, ReponseForm
from .loaders import load_message, load_piece_message, load_teacher_account, visible_messages
from .messages import (
    ADDRESSED_TO,
    GESTIONNAIRES,
    KINDS,
    pieces_of,
    recipient_params,
    send_message,
    unread_count_for,
)
from .models import Message
from .pieces import CONSIGNE, PieceRecue, PiecesRefusees, lire_pieces

bp = Blueprint("courrier", __name__, url_prefix="/courrier")


@bp.app_template_filter("courrier_date")
def courrier_date(moment: datetime) -> str:
    """A message's time in Paris: "06/11/2026 à 14 h 05"."""
    local = moment.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local.hour} h {local.minute:02d}"


@bp.app_context_processor
def unread_count() -> dict:
    """Give every template the header's unread count (0 when nobody is logged in)."""
    account = getattr(g, "account", None)
    if account is None:
        return {"unread_count": 0}
    session = get_session()
    try:
        return {"unread_count": unread_count_for(session, account)}
    except SQLAlchemyError:
        # An error page rendered after a failed transaction still needs its header.
        session.rollback()
        return {"unread_count": 0}


def _names(session: Session, ids: set[int | None]) -> dict[int, Account]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids)))}


def _describe(messages: list[Message], session: Session, *, with_pieces: bool = False) -> list[dict]:
    """What the lists and threads show of each message: who wrote, to whom, what it carries."""
    accounts = _names(session, {m.sender_account_id for m in messages} | {m.to_account_id for m in messages})
    pieces = pieces_of(session, [m.id for m in messages]) if with_pieces else {}
    rows = []
    for m in messages:
        sender = accounts.get(m.sender_account_id)
        if m.sender_account_id is None:
            de = "L'administration"
        elif sender is None:
            de = "Compte supprimé"
        elif sender.role == GESTIONNAIRES:
            de = f"{sender.name} (gestionnaire)"
        else:
            de = sender.name
        if m.to_role == GESTIONNAIRES:
            a = "Les gestionnaires"
        else:
            recipient = accounts.get(m.to_account_id)
            a = recipient.name if recipient else "Compte supprimé"
        rows.append({
            "message": m,
            "de": de,
            "a": a,
            "type": KINDS.get(m.kind, m.kind),
            "rubrique": RUBRIQUES_SIGNALEMENT.get(m.rubrique or "", ""),
            "pour_moi": m.to_account_id == g.account.id or m.to_role == g.account.role,
            "non_lu": m.read_at is None,
            "pieces": pieces.get(m.id, []),
        })
    return rows


@bp.get("/")
@login_required
def index():
    """Received and sent messages; gestionnaires may keep only the signalements."""
    session = get_session()
    account = g.account
    filtre = request.args.get("filtre", "")
    if filtre not in ("", "signalements", "non-lus"):
        filtre = ""
    received = select(Message).where(ADDRESSED_TO)
    if filtre == "signalements":
        received = received.where(Message.kind == "signalement")
    elif filtre == "non-lus":
        received = received.where(Message.read_at.is_(None))
    received = received.order_by(Message.created_at.desc(), Message.id.desc()).limit(200)
    sent = (
        select(Message)
        .where(Message.sender_account_id == account.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(200)
    )
    return render_template(
        "app/courrier/index.html",
        recus=_describe(list(session.scalars(received, recipient_params(account))), session),
        envoyes=_describe(list(session.scalars(sent)), session),
        filtre=filtre,
    )


def _thread(session: Session, root_id: int) -> list[Message]:
    query = (
        select(Message)
        .where(or_(Message.id == root_id, Message.thread_id == root_id), visible_messages(g.account))
        .order_by(Message.created_at, Message.id)
    )
    return list(session.scalars(query))


def _mark_read(session: Session, messages: list[Message]) -> None:
    """The recipient opened these: mark the unread ones addressed to them as read."""
    account = g.account
    ids = [
        m.id for m in messages
        if m.read_at is None and (m.to_account_id == account.id or m.to_role == account.role)
    ]
    if not ids:
        return
    with write_transaction(session):
        session.execute(
            update(Message).where(Message.id.in_(ids), Message.read_at.is_(None)).values(read_at=now())
        )
        audit.record(session, actor_id=account.id, action="courrier.lecture",
                     target=",".join(f"message:{i}" for i in ids)[:200],
                     after={"lus": ids})


def _teacher_of(session: Session, messages: list[Message]) -> int | None:
    """The teacher account a gestionnaire answers in this thread."""
    accounts = _names(session, {m.sender_account_id for m in messages} | {m.to_account_id for m in messages})
    for m in messages:
        for account_id in (m.sender_account_id, m.to_account_id):
            account = accounts.get(account_id)
            if account is not None and account.role == "enseignant":
                return account.id
    return None


def _show_thread(message: Message, form: ReponseForm, status: int = 200):
    session = get_session()
    messages = _thread(session, message.root_id)
    teacher_id = _teacher_of(session, messages)
    dossier = None
    if g.account.role == GESTIONNAIRES and teacher_id is not None:
        dossier = session.scalar(select(Account.agent_id).where(Account.id == teacher_id))
    return render_template(
        "app/courrier/fil.html",
        racine=messages[0] if messages else message,
        fil=_describe(messages, session, with_pieces=True),
        form=form,
        consigne=CONSIGNE,
        peut_repondre=g.account.role != GESTIONNAIRES or teacher_id is not None,
        dossier_agent_id=dossier,
    ), status


@bp.get("/<int:message_id>")
@login_required
def lire(message_id: int):
    """Show a thread and mark what it holds for the reader as read."""
    message = load_message(message_id)
    session = get_session()
    _mark_read(session, _thread(session, message.root_id))
    return _show_thread(message, ReponseForm())


@bp.post("/<int:message_id>/repondre")
@login_required
@form_view
def repondre(message_id: int):
    """Answer in a thread: a teacher writes to the gestionnaires, a gestionnaire to the teacher."""
    message = load_message(message_id)
    form = ReponseForm()
    if not form.validate():
        return _show_thread(message, form, 400)
    pieces, status = _pieces_du_formulaire(form)
    if status:
        return _show_thread(message, form, status)
    session = get_session()
    messages = _thread(session, message.root_id)
    root = messages[0]
    if g.account.role == GESTIONNAIRES:
        teacher_id = _teacher_of(session, messages)
        if teacher_id is None:
            abort(404)
        recipient = {"to_account_id": teacher_id}
    else:
        recipient = {"to_role": GESTIONNAIRES}
    subject = root.subject if root.subject.startswith("Re : ") else f"Re : {root.subject}"
    with write_transaction(session):
        send_message(session, sender_account_id=g.account.id, subject=subject[:200],
                     body=form.corps.data, kind="message", thread_id=root.id, pieces=pieces, **recipient)
    flash("Votre réponse a été envoyée.", "success")
    return redirect(url_for("courrier.lire", message_id=root.id))


@bp.route("/ecrire", methods=["GET", "POST"])
@login_required
@form_view
def ecrire():
    """Write a new message: to the gestionnaires, or (for a gestionnaire) to one teacher."""
    gestionnaire = g.account.role == GESTIONNAIRES
    form = MessageForm()
    if not gestionnaire:
        del form.destinataire  # a teacher always writes to the gestionnaires' box
    if request.method == "GET" and gestionnaire:
        form.destinataire.data = "".join(c for c in request.args.get("a", "") if c.isprintable())[:80]
    if request.method == "GET":
        return _ecrire_page(form, gestionnaire)
    valid = form.validate()
    recipient: dict = {"to_role": GESTIONNAIRES}
    if gestionnaire and not form.destinataire.errors:
        if not form.destinataire.data:
            form.destinataire.errors.append("Indiquez l'identifiant de l'enseignant.")
            valid = False
        else:
            teacher = load_teacher_account(form.destinataire.data)
            if teacher is None:
                form.destinataire.errors.append(
                    f"Aucun enseignant n'a l'identifiant « {form.destinataire.data} » : vérifiez-le."
                )
                valid = False
            else:
                recipient = {"to_account_id": teacher.id}
    if not valid:
        return _ecrire_page(form, gestionnaire, 400)
    pieces, status = _pieces_du_formulaire(form)
    if status:
        return _ecrire_page(form, gestionnaire, status)
    session = get_session()
    with write_transaction(session):
        message = send_message(session, sender_account_id=g.account.id, subject=form.objet.data,
                               body=form.corps.data, kind="message", pieces=pieces, **recipient)
    flash("Votre message a été envoyé.", "success")
    return redirect(url_for("courrier.lire", message_id=message.id))


def _ecrire_page(form: MessageForm, gestionnaire: bool, status: int = 200):
    return render_template("app/courrier/ecrire.html", form=form, gestionnaire=gestionnaire,
                           consigne=CONSIGNE), status


def _pieces_du_formulaire(form) -> tuple[list[PieceRecue], int]:
    """The screened PDFs of a valid form, or the status of the refusal (its message set on the field)."""
    try:
        return lire_pieces(form.pieces.data or []), 0
    except PiecesRefusees as refus:
        form.pieces.errors = [refus.message]
        return [], refus.status


@bp.get("/pieces/<int:piece_message_id>")
@login_required
def piece(piece_message_id: int):
    """A message's PDF, for those who may read the message, as an attachment."""
    found = load_piece_message(piece_message_id)
    return pdf_attachment(found.data, found.filename)
