"""Lettre de motivation: write, save, see, change while saisie is open; the draft is kept as one types."""
from __future__ import annotations

from flask import flash, g, jsonify, redirect, render_template, request, url_for

from ...comptes.access import login_required
from ...core import audit
from ...core.clock import now
from ...core.db import get_session, write_transaction
from ...core.security import form_view
from ..ecriture import verrouiller
from ..forms import LettreForm
from ..garde import garde_saisie, saisie_ouverte
from ..lecture import lettre_de, ligne
from ..loaders import campagne_or_404, load_demande
from ..models import Lettre
from ..rules import fenetre
from ..rules.demandes import LETTRE_MAX, refus_lettre
from . import bp


def _page(demande_id: int, *, form: LettreForm | None = None, status: int = 200, erreur: str | None = None,
          voir: bool = False):
    demande = load_demande(demande_id)
    session = get_session()
    campaign = campagne_or_404(demande.campagne)
    lettre = lettre_de(session, demande_id)
    if form is None:
        texte = ""
        if lettre is not None:
            texte = lettre.brouillon if lettre.brouillon_at and (
                lettre.enregistree_at is None or lettre.brouillon_at > lettre.enregistree_at) else lettre.texte
        form = LettreForm(data={"texte": texte})
    ouverte = saisie_ouverte(campaign)
    return render_template(
        "app/mobilite/lettre.html", campaign=campaign, ligne=ligne(session, demande, campaign), demande=demande,
        lettre=lettre, form=form, ouverte=ouverte, voir=voir or not ouverte, erreur=erreur, maximum=LETTRE_MAX,
    ), status


@bp.get("/demandes/<int:demande_id>/lettre")
@login_required
def lettre(demande_id: int):
    """"Saisir" or "Visualiser la lettre de motivation"."""
    return _page(demande_id, voir=request.args.get("voir") == "1")


@bp.post("/demandes/<int:demande_id>/lettre")
@login_required
@form_view
def enregistrer_lettre(demande_id: int):
    """Save the lettre (plain submit, with or without JavaScript)."""
    demande = load_demande(demande_id)
    garde_saisie(campagne_or_404(demande.campagne))
    form = LettreForm()
    if not form.validate():
        return _page(demande_id, form=form, status=400)
    texte = (form.texte.data or "").replace("\r\n", "\n")
    message = refus_lettre(texte)
    if message:
        form.texte.errors = [message]
        return _page(demande_id, form=form, status=400)
    session = get_session()
    with write_transaction(session):
        verrouiller(session, demande_id)
        lettre = lettre_de(session, demande_id)
        before = {"texte": lettre.texte} if lettre and lettre.enregistree_at else None
        if lettre is None:
            lettre = Lettre(demande_id=demande_id, texte="", brouillon="")
            session.add(lettre)
        moment = now()
        lettre.texte, lettre.enregistree_at = texte, moment
        lettre.brouillon, lettre.brouillon_at = "", None
        audit.record(session, actor_id=g.account.id, action="mobilite.lettre.enregistrement",
                     target=f"demande:{demande_id}", before=before, after={"texte": texte})
    flash("Votre lettre de motivation est enregistrée.", "success")
    return redirect(url_for("mobilite.lettre", demande_id=demande_id, voir=1))


@bp.post("/demandes/<int:demande_id>/lettre/brouillon")
@login_required
def brouillon(demande_id: int):
    """Keep the draft on the server (JavaScript calls it about a second after typing stops)."""
    demande = load_demande(demande_id)
    campaign = campagne_or_404(demande.campagne)
    refus = fenetre.refus(campaign.saisie, now())
    if refus:
        return jsonify(erreur=refus), 403
    texte = request.form.get("texte", "").replace("\r\n", "\n")
    message = refus_lettre(texte, brouillon=True)
    form = LettreForm(meta={"csrf": False})  # the token came in the header, checked by the CSRF gate
    if message is None and not form.validate():  # control characters, NUL (PostgreSQL refuses it: a 500)
        message = form.texte.errors[0]
    if message:
        return jsonify(erreur=message), 400
    session = get_session()
    with write_transaction(session):
        verrouiller(session, demande_id, modifie=False)
        lettre = lettre_de(session, demande_id)
        if lettre is None:
            lettre = Lettre(demande_id=demande_id, texte="", brouillon="")
            session.add(lettre)
        moment = now()
        lettre.brouillon, lettre.brouillon_at = texte, moment
        audit.record(session, actor_id=g.account.id, action="mobilite.lettre.brouillon",
                     target=f"demande:{demande_id}", after={"longueur": len(texte)})
    heure = moment.strftime("%H:%M")
    return jsonify(enregistre_a=heure, message=f"Brouillon enregistré à {heure}")
