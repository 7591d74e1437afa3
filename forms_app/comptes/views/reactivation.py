"""A gestionnaire's actions on a teacher's account: the NUMEN made the first password again.

A teacher who forgot the password they chose, or whose first password (the NUMEN) expired or was
used without the change being finished, cannot log in: the login page sends them to their
gestionnaire. Reactivating sets the account back as an import creates it: the NUMEN is the password,
valid once until the end of the day FIRST_SECRET_DAYS days ahead, then a new password is chosen.
Every session of the account ends, its failed-login counter is cleared, and the audit log keeps who
did it (never the NUMEN).
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from sqlalchemy import delete, select

from generator.model import PARIS

from ...core import audit
from ...core.clock import security_now
from ...core.db import get_session, write_transaction
from ...core.security import form_view
from ...dossier.agents_store import end_of_day
from ...dossier.loaders import load_dossier
from ...dossier.models import Agent
from .. import throttle
from ..access import hasher, role_required
from ..forms import ReactivationForm
from ..models import Account, RecoveryCode
from ..sessions import end_sessions_of

bp = Blueprint("comptes", __name__, url_prefix="/comptes")


def load_teacher_account(agent_id: int) -> tuple[Agent, Account]:
    """A teacher's dossier and account, for a gestionnaire (404 when either is missing)."""
    agent = load_dossier(agent_id)
    account = get_session().scalar(select(Account).where(Account.agent_id == agent.id))
    if account is None:
        abort(404)
    return agent, account


def etat_du_mot_de_passe(account: Account) -> str:
    """What the gestionnaire reads about the account's password before acting."""
    current = security_now()
    if not account.must_change_password:
        return "L'enseignant a choisi son mot de passe ; le NUMEN ne permet plus de se connecter."
    if account.first_secret_used_at is not None:
        return ("Le NUMEN a déjà servi à une connexion, mais le nouveau mot de passe n'a pas été choisi : "
                "il ne permet plus de se connecter.")
    expires = account.first_secret_expires_at
    if expires is not None and current >= expires:
        return "Le NUMEN, mot de passe initial, a expiré : il ne permet plus de se connecter."
    if expires is None:
        return "Le NUMEN est le mot de passe initial : il permet une première connexion."
    last_day = (expires - timedelta(seconds=1)).astimezone(PARIS)
    return f"Le NUMEN est le mot de passe initial, valable jusqu'au {last_day:%d/%m/%Y} inclus."


@bp.route("/<int:agent_id>/numen", methods=["GET", "POST"])
@form_view
@role_required("gestionnaire")
def reactiver_numen(agent_id: int):
    """Make the NUMEN the teacher's first password again (after confirmation)."""
    agent, account = load_teacher_account(agent_id)
    form = ReactivationForm()
    days = current_app.config["FIRST_SECRET_DAYS"]
    context = {"agent": agent, "account": account, "form": form, "etat": etat_du_mot_de_passe(account),
               "jours": days}
    if not form.validate_on_submit():
        return render_template("app/comptes/reactiver.html", **context), 400 if form.is_submitted() else 200
    current = security_now()
    last_day = current.astimezone(PARIS).date() + timedelta(days=days)
    db = get_session()
    with write_transaction(db):
        account.password_hash = hasher().hash(agent.numen)
        account.must_change_password = True
        account.first_secret_used_at = None
        account.first_secret_expires_at = end_of_day(last_day)
        sans_totp = bool(form.sans_totp.data) and account.totp_enabled
        if sans_totp:
            account.totp_enabled = False
            account.totp_secret = None
            account.totp_last_step = None
            db.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
        end_sessions_of(db, account.id)
        throttle.clear(db, f"compte:{account.identifiant.lower()[:150]}")
        audit.record(db, actor_id=g.identity.account_id, action="numen_reactive",
                     target=f"compte:{account.identifiant}",
                     after={"valable_jusqu_au": last_day.isoformat(), "double_authentification_retiree": sans_totp})
    message = (f"Le NUMEN de {agent.prenom} {agent.nom} ({account.identifiant}) est de nouveau son mot de passe "
               f"initial, valable pour une connexion jusqu'au {last_day:%d/%m/%Y} inclus ; ses sessions ouvertes "
               "ont été fermées.")
    if sans_totp:
        message += " La double authentification est désactivée : l'enseignant pourra la réactiver dans son compte."
    flash(message, "success")
    return redirect(url_for("dossier.agent_onglet", agent_id=agent.id))
