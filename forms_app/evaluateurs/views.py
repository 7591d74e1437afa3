"""A gestionnaire's page: the evaluators' accounts (chefs d'établissement, inspecteurs, recteur)."""
from __future__ import annotations

from flask import Blueprint, current_app, g, render_template
from sqlalchemy import select

from ..comptes.access import role_required
from ..comptes.models import Account
from ..core.clock import security_now
from ..core.content import current_site
from ..core.db import get_session, write_transaction
from ..core.security import form_view
from .access import EVALUATEUR_ROLES, ROLE_LABELS
from .comptes import creer_evaluateur, perimetre_label, refus_evaluateur
from .forms import EvaluateurForm
from .models import Perimetre

bp = Blueprint("evaluateurs", __name__, url_prefix="/evaluateurs")


def _liste():
    ref = current_site().referentiel if current_site() is not None else None
    rows = get_session().execute(
        select(Account, Perimetre).outerjoin(Perimetre, Perimetre.account_id == Account.id)
        .where(Account.role.in_(EVALUATEUR_ROLES)).order_by(Account.role, Account.display_name, Account.id))
    return [{"account": a, "profil": ROLE_LABELS[a.role],
             "perimetre": perimetre_label(a.role, p.uai if p else "", p.discipline if p else "", ref,
                                          p.circonscription if p else "")}
            for a, p in rows]


@bp.route("/", methods=["GET", "POST"])
@form_view
@role_required("gestionnaire")
def index():
    """List the evaluators; create one (her first password is shown once)."""
    form = EvaluateurForm()
    created = None
    status = 200
    if form.is_submitted():
        site = current_site()
        valid = form.validate()
        error = None if not valid else refus_evaluateur(
            form.role.data or "", form.prenom.data or "", form.nom.data or "", form.uai.data or "",
            form.discipline.data or "", site.referentiel.disciplines if site else {},
            form.circonscription.data or "", site.referentiel.circonscriptions if site else {})
        if not valid or error:
            if error:
                field = getattr(form, error[0])
                field.errors = [*field.errors, error[1]] if isinstance(field.errors, list) else [error[1]]
            status = 400
        else:
            db = get_session()
            with write_transaction(db):
                account, first, expires = creer_evaluateur(
                    db, current_app.extensions["carriere_hasher"], role=form.role.data, prenom=form.prenom.data,
                    nom=form.nom.data, uai=form.uai.data or "", discipline=form.discipline.data or "",
                    circonscription=form.circonscription.data or "", moment=security_now(), actor_id=g.account.id)
            created = {"identifiant": account.identifiant, "nom": account.display_name, "premier": first,
                       "jusqu_au": expires}
            form = EvaluateurForm(formdata=None)
    site = current_site()
    ref = site.referentiel if site else None
    circonscriptions = [(c, [ref.communes[x].libelle if x in ref.communes else x for x in c.communes])
                        for c in sorted(ref.circonscriptions.values(), key=lambda c: c.code)] if ref else []
    return render_template("app/evaluateurs/index.html", form=form, evaluateurs=_liste(), created=created,
                           circonscriptions=circonscriptions), status
