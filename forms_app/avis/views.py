"""« Votre compte »: turn e-mail notices on or off."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for
from sqlalchemy import select

from ..comptes.access import login_required
from ..core import audit
from ..core.clock import security_now
from ..core.db import get_session, write_transaction
from ..core.errors import refuse
from .models import PreferenceAvis
from .outbox import veut_courriel

bp = Blueprint("avis", __name__, url_prefix="/compte/avis")

MSG_CHOIX = "Choisissez « oui » ou « non » pour les avis par courriel, puis enregistrez."


@bp.app_context_processor
def _avis_courriel() -> dict:
    """avis_courriel_actif(): the logged-in account's choice, for « Votre compte »."""

    def actif() -> bool:
        account = getattr(g, "account", None)
        return account is not None and veut_courriel(get_session(), account.id)

    return {"avis_courriel_actif": actif}


@bp.post("/")
@login_required
def preference():
    """Record the choice (« oui » / « non ») and go back to « Votre compte »."""
    choice = request.form.get("courriel", "")
    if choice not in ("oui", "non"):
        refuse(400, MSG_CHOIX)
    wanted = choice == "oui"
    session = get_session()
    account_id = g.account.id
    before = veut_courriel(session, account_id)
    with write_transaction(session):
        row = session.scalar(select(PreferenceAvis).where(PreferenceAvis.account_id == account_id))
        if row is None:
            session.add(PreferenceAvis(account_id=account_id, courriel=wanted, updated_at=security_now()))
        else:
            row.courriel, row.updated_at = wanted, security_now()
        audit.record(session, actor_id=account_id, action="avis.preference", target=f"compte:{account_id}",
                     before={"courriel": before}, after={"courriel": wanted})
    flash("Vous recevrez un courriel à chaque nouveau message." if wanted
          else "Vous ne recevrez plus de courriel à chaque nouveau message.")
    return redirect(url_for("auth.account"))
