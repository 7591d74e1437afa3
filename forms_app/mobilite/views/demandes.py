"""Demandes: the list for a campaign, creation in steps (movement, discipline, préférence), deletion, phones."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from ...comptes.access import login_required
from ...core import audit
from ...core.clock import now
from ...core.db import get_session, write_transaction
from ...core.errors import refuse
from ...core.fields import normaliser_telephone
from ...core.security import form_view
from ...dossier.loaders import load_own_agent
from ..forms import ButtonForm, CreationForm, TelephonesForm
from ..garde import garde_saisie, saisie_ouverte
from ..lecture import demandes_de, ligne
from ..loaders import campagne_or_404, load_demande, site_or_404
from ..models import Demande
from ..rules import fenetre
from ..rules.demandes import MSG_DOUBLON, refus_creation
from . import bp


def _page(slug: str, *, status: int = 200, telephones: TelephonesForm | None = None, erreur: str | None = None):
    campaign = campagne_or_404(slug)
    agent = load_own_agent()
    session = get_session()
    lignes = [ligne(session, d, campaign) for d in demandes_de(session, agent.id, slug)]
    phase_tel = fenetre.phase_telephone(campaign)
    return render_template(
        "app/mobilite/demandes.html", campaign=campaign, lignes=lignes, ouverte=saisie_ouverte(campaign),
        telephones=telephones or TelephonesForm(obj=agent),
        telephone_ouvert=fenetre.refus(phase_tel, now()) is None,
        bouton=ButtonForm(), erreur=erreur,
    ), status


@bp.get("/<slug>/")
@login_required
def campagne(slug: str):
    """The teacher's demandes in one campaign."""
    return _page(slug)


@bp.get("/<slug>/ajouter")
@login_required
def ajouter(slug: str):
    """Step by step: choose the movement, then the discipline, then the préférence; then confirm."""
    campaign = campagne_or_404(slug)
    garde_saisie(campaign)
    site = site_or_404()
    code = request.args.get("mouvement", "")
    mouvement = campaign.mouvement(code) if code else None
    discipline = request.args.get("discipline", "")
    preference = request.args.get("preference", "")
    etape = "mouvement"
    if mouvement is not None:
        if mouvement.disciplines and discipline not in mouvement.disciplines:
            etape = "discipline"
        elif mouvement.preferences and preference not in {p.code for p in mouvement.preferences}:
            etape = "preference"
        else:
            etape = "confirmer"
    form = CreationForm(data={"mouvement": code, "discipline": discipline, "preference": preference})
    return render_template(
        "app/mobilite/ajouter.html", campaign=campaign, etape=etape, mouvement=mouvement,
        discipline=discipline, preference=preference, disciplines=site.referentiel.disciplines, form=form,
    )


@bp.post("/<slug>/ajouter")
@login_required
@form_view
def creer(slug: str):
    """Record the demande chosen in the steps."""
    campaign = campagne_or_404(slug)
    garde_saisie(campaign)
    agent = load_own_agent()
    form = CreationForm()
    if not form.validate():
        return _page(slug, status=400, erreur=form.csrf_token.errors[0] if form.csrf_failed else None)
    mouvement, discipline, preference = (form.mouvement.data or "", form.discipline.data or "",
                                         form.preference.data or "")
    session = get_session()
    existantes = {(d.mouvement, d.discipline) for d in demandes_de(session, agent.id, slug)}
    message = refus_creation(campaign, mouvement, discipline, preference, existantes)
    if message:
        return _page(slug, status=409 if message == MSG_DOUBLON else 400, erreur=message)
    moment = now()
    try:
        with write_transaction(session):
            demande = Demande(agent_id=agent.id, campagne=slug, mouvement=mouvement, discipline=discipline,
                              preference=preference, voeux_version=0, created_at=moment, updated_at=moment)
            session.add(demande)
            session.flush()
            audit.record(session, actor_id=g.account.id, action="mobilite.demande.creation",
                         target=f"demande:{demande.id}", after=demande.snapshot())
    except IntegrityError:  # the same demande created a moment ago, in another tab
        return _page(slug, status=409, erreur=MSG_DOUBLON)
    flash("Votre demande est enregistrée.", "success")
    return redirect(url_for("mobilite.campagne", slug=slug))


@bp.route("/demandes/<int:demande_id>/supprimer", methods=["GET", "POST"])
@login_required
def supprimer(demande_id: int):
    """Ask for confirmation (GET), then delete the demande with its lettre, pièces and vœux (POST)."""
    demande = load_demande(demande_id)
    campaign = campagne_or_404(demande.campagne)
    garde_saisie(campaign)
    if request.method == "GET":
        return render_template("app/mobilite/supprimer.html", campaign=campaign,
                               ligne=ligne(get_session(), demande, campaign), form=ButtonForm())
    if not ButtonForm().validate():
        abort(400)
    session = get_session()
    with write_transaction(session):
        demande = session.get(Demande, demande_id)
        if demande is not None:
            before = demande.snapshot()
            session.delete(demande)
            audit.record(session, actor_id=g.account.id, action="mobilite.demande.suppression",
                         target=f"demande:{demande_id}", before=before)
    flash("Votre demande a été supprimée.", "success")
    return redirect(url_for("mobilite.campagne", slug=campaign.slug))


@bp.post("/<slug>/telephones")
@login_required
@form_view
def telephones(slug: str):
    """"Saisissez ou modifiez vos numéros de téléphone" for the result notice."""
    campaign = campagne_or_404(slug)
    try:
        fenetre.verifier_telephone(campaign, now())
    except fenetre.FenetreFermee as exc:
        refuse(403, exc.message)
    agent = load_own_agent()
    form = TelephonesForm()
    if not form.validate():
        return _page(slug, status=400, telephones=form)
    values = {
        "telephone": normaliser_telephone(form.telephone.data) if form.telephone.data else "",
        "portable": normaliser_telephone(form.portable.data) if form.portable.data else "",
    }
    before = {"telephone": agent.telephone or "", "portable": agent.portable or ""}
    if values != before:
        session = get_session()
        with write_transaction(session):
            agent = session.merge(agent)
            agent.telephone, agent.portable = values["telephone"], values["portable"]
            agent.updated_at = now()
            audit.record(session, actor_id=g.account.id, action="mobilite.telephones",
                         target=f"agent:{agent.id}", before=before, after=values)
    flash("Vos numéros de téléphone sont enregistrés.", "success")
    return redirect(url_for("mobilite.campagne", slug=slug) + "#telephones")
