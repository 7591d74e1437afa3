"""Batch actions on the selected demandes or on the whole filtered list: one message to every agent
(each receives it in the courrier), « marquer comme vérifié », export of the selection."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from sqlalchemy import select

from generator.frdates import NBSP

from ...comptes.access import role_required
from ...comptes.models import Account
from ...core import audit
from ...core.db import get_session, write_transaction
from ...core.errors import refuse
from ...core.security import form_view
from ...courrier.messages import send_message
from ...mobilite.models import Demande
from .. import requetes
from ..forms import LotForm
from ..loaders import campagne_or_404, site_or_404
from ..rules import LOT_MAX, lire_filtres
from . import bp
from .demande import garde_verification, verifier_demandes
from .exports import reponse_export

ACTIONS = ("message", "verifier", "csv", "xlsx", "zip")
MSG_ACTION = f"Choisissez une action parmi les boutons sous la liste{NBSP}: celle-ci n'existe pas."
MSG_VIDE = f"Cochez au moins une demande, ou choisissez «{NBSP}toute la liste filtrée{NBSP}»."
MSG_INCONNUE = (f"La sélection contient une demande qui n'est pas de cette campagne{NBSP}: rechargez la liste "
                "et cochez de nouveau les demandes. Rien n'a été modifié.")
MSG_TROP = (f"L'action porte sur {{n}} demandes{NBSP}; elle en accepte au plus {LOT_MAX:,}".replace(",", NBSP)
            + f"{NBSP}: affinez les filtres.")
MSG_OBJET = f"Indiquez l'objet du message{NBSP}: les agents le lisent dans la liste de leur courrier."
MSG_CORPS = f"Le message est vide{NBSP}: écrivez-le avant de l'envoyer."


def _ids(campaign) -> list[int] | None:
    """The demandes the batch names: the ticked ones, or the list the URL filters (None: the whole
    campaign). A forged or foreign id refuses the whole batch."""
    session = get_session()
    if request.form.get("tout") == "1":
        lus = lire_filtres(request.args, campaign, site_or_404().referentiel)
        if lus.erreurs:
            refuse(400, next(iter(lus.erreurs.values())))
        return requetes.ids_filtres(session, campaign, lus.filtres) if lus.filtres.actifs else None
    raw = request.form.getlist("ids")
    if not raw:
        refuse(400, MSG_VIDE)
    try:
        wanted = [int(value) for value in raw]
    except ValueError:
        refuse(400, MSG_INCONNUE)
    if len(wanted) > LOT_MAX or any(not 1 <= i <= 2**31 - 1 for i in wanted):
        refuse(400, MSG_INCONNUE if len(wanted) <= LOT_MAX else MSG_TROP.format(n=len(wanted)))
    found = requetes.demandes_de_la_campagne(session, campaign, wanted)
    if len(set(found)) != len(set(wanted)):
        refuse(400, MSG_INCONNUE)
    return sorted(set(found))


@bp.post("/<slug>/lot")
@role_required("gestionnaire")
@form_view
def lot(slug: str):
    campaign = campagne_or_404(slug)
    form = LotForm()
    if not form.validate():
        refuse(400, form.csrf_token.errors[0] if form.csrf_failed else
               next(e for errors in form.errors.values() for e in errors))
    action = request.form.get("action", "")
    if action not in ACTIONS:
        refuse(400, MSG_ACTION)
    ids = _ids(campaign)
    if action in ("csv", "xlsx", "zip"):
        return reponse_export(campaign, action, ids, "sélection")
    session = get_session()
    if ids is None:
        ids = list(session.scalars(select(Demande.id).where(Demande.campagne == slug).limit(LOT_MAX + 1)))
    if len(ids) > LOT_MAX:
        refuse(400, MSG_TROP.format(n=len(ids)))
    back = redirect(url_for("gestion.liste", slug=slug, **request.args.to_dict()))
    if action == "verifier":
        garde_verification(campaign)
        with write_transaction(session):
            marked = verifier_demandes(session, ids)
        deja = len(ids) - marked
        flash(("Aucun nouveau barème marqué comme vérifié" if marked == 0 else
               f"{marked} barème marqué comme vérifié" if marked == 1 else
               f"{marked} barèmes marqués comme vérifiés") + (f" ; {deja} l'était déjà." if deja == 1 else
                                                            f" ; {deja} l'étaient déjà." if deja > 1 else "."),
              "success")
        return back
    if not form.objet.data:
        refuse(400, MSG_OBJET)
    if not form.corps.data:
        refuse(400, MSG_CORPS)
    comptes = dict(session.execute(
        select(Demande.id, Account.id).join(Account, Account.agent_id == Demande.agent_id).where(Demande.id.in_(ids))
    ).all()) if ids else {}
    sent: dict[int, int] = {}
    with write_transaction(session):
        for demande_id in ids:
            account_id = comptes.get(demande_id)
            if account_id is None:
                continue
            if account_id not in sent:
                message = send_message(session, to_account_id=account_id, sender_account_id=g.account.id,
                                       subject=form.objet.data, body=f"{form.corps.data}\n\n— {campaign.title}.")
                sent[account_id] = message.id
            audit.record(session, actor_id=g.account.id, action="gestion.message", target=f"demande:{demande_id}",
                         after={"objet": form.objet.data, "message": sent[account_id], "destinataires": len(ids)})
    n = len(sent)
    flash(f"Message envoyé à {n} agent{'s' if n > 1 else ''} ; il figure dans leur courrier.", "success")
    return back
