"""Vœux: the ranked list of a demande, adding by code or guided search, ▲ ▼, deletion; all versioned."""
from __future__ import annotations

from flask import Response, abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask import session as browser_session
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError

from generator.frdates import NBSP
from generator.model import VOEU_TYPES

from ...comptes.access import login_required
from ...comptes.identity import ReadAlong, register_read_along, session_query
from ...core.clock import now
from ...core.content import current_site, site_generation
from ...core.db import get_session
from ...core.errors import refuse
from ...core.pagecache import PageCache
from ...core.records import MAX_ID
from ...core.security import form_view
from ...courrier.messages import unread_count_query
from ...dossier.loaders import load_own_agent
from ..ecriture import Ecriture, ecrire, instantane, version_du_formulaire
from ..forms import VoeuForm
from ..garde import garde_saisie, saisie_ouverte
from ..lecture import demandes_de, ligne, voeux_de
from ..loaders import campagne_or_404, liste_de_demande, liste_du_voeu, load_demande, load_demande_ref, site_or_404
from ..models import Demande
from ..rules import codes, fenetre, rangs
from ..rules.bareme import etat_bareme
from ..rules.demandes import MSG_LETTRE_AVANT
from ..rules.voeux import (
    MSG_LIMITE_ATTEINTE,
    MSG_PERIME,
    PAGE_ERREUR,
    PAGE_LISTE,
    TOUT_TYPE,
    ListeVue,
    Refus,
    decider_ajout,
    refus_type,
    restrictions_permises,
    types_permis,
)
from . import bp
from .page import demande_page


@bp.record_once
def _page_cache(state) -> None:
    state.app.extensions["carriere_pages"] = PageCache(state.app.config["PAGE_CACHE_ENTRIES"])


def _empreinte_along(accounts):
    """The same values, read with the session row (identity.ReadAlong): a kept page costs one query."""
    demandes = Demande.__table__
    return demandes, demandes.c.id == bindparam("demande_id"), [
        demandes.c.agent_id.label("p_agent_id"), demandes.c.campagne.label("p_campagne"),
        demandes.c.revision.label("p_revision"),
        unread_count_query(accounts.c.id, accounts.c.role).scalar_subquery().label("p_unread"),
    ]


def _along_params(view_args: dict) -> dict | None:
    demande_id = view_args.get("demande_id")
    return {"demande_id": demande_id} if isinstance(demande_id, int) and 1 <= demande_id <= MAX_ID else None


@bp.record_once
def _read_along(state) -> None:
    register_read_along(state.app, ReadAlong("mobilite.demande", session_query(_empreinte_along), _along_params))


def _empreinte_row(demande_id: int):
    """(agent_id, campagne, revision, unread count) of the demande, read with the session row (None: not
    read, the page is rendered)."""
    along = getattr(browser_session, "along", None)
    if along is None or along[0] != "mobilite.demande" or along[1]["demande_id"] != demande_id:
        return None
    row = along[2]
    return None if row.p_agent_id is None else (row.p_agent_id, row.p_campagne, row.p_revision, row.p_unread)


def _empreinte(demande_id: int) -> tuple | None:
    """Everything the demande's page shows, as values, read in one query; None: render, keep nothing.

    The page shows the account and its dossier (header, barème), the demande (vœux, lettre, pièces:
    its revision moves on with each of their writes), the unread courrier count, the campaign from
    the loaded content, the window's state and the day (barème), the barème's phase (provisionnel,
    retenu, définitif: the gestionnaire's decisions move the revision on). A flash message is shown
    once: not kept.
    """
    identity = g.identity  # values read with the session: the Account and Agent records stay unloaded
    if identity.agent_id is None or "_flashes" in browser_session or not 1 <= demande_id <= MAX_ID:
        return None
    row = _empreinte_row(demande_id)
    if row is None or row[0] != identity.agent_id:
        return None  # the rendering path answers 404
    site = current_site()
    campaign = site.campaign(row[1]) if site is not None else None
    if campaign is None:
        return None
    moment = now()
    return (site_generation(), identity.account_id, identity.name, identity.agent_values, row[2], row[3],
            fenetre.refus(campaign.saisie, moment), moment.date(), etat_bareme(campaign, moment))


@bp.get("/demandes/<int:demande_id>/")
@login_required
def demande(demande_id: int):
    """"Liste de vos vœux" of one demande; a page already rendered for the same state is sent again."""
    pages: PageCache = current_app.extensions["carriere_pages"]
    empreinte = _empreinte(demande_id)
    slot = (browser_session.token, demande_id)
    if empreinte is not None:
        page = pages.get(slot, (empreinte, browser_session.get("csrf_token")))
        if page is not None:
            return Response(page, mimetype="text/html")
    html, status = demande_page(demande_id)
    if empreinte is not None and status == 200:
        # The page's forms carry a token made from the session's CSRF secret (created by the render if new).
        pages.put(slot, (empreinte, browser_session.get("csrf_token")), html.encode("utf-8"))
    return html, status


def _garde_lettre(demande_id: int, campaign, mouvement_code: str) -> None:
    """A starred movement's vœux wait for the saved lettre: 409 with the ATTENTION rule."""
    mouvement = campaign.mouvement(mouvement_code)
    if mouvement is None or not mouvement.lettre_motivation:
        return  # no lettre asked for: no need to read the count and the lettre
    if not ligne(get_session(), load_demande(demande_id), campaign).voeux_permis:
        abort(make_response(demande_page(demande_id, status=409, erreur=MSG_LETTRE_AVANT)))


def _ajout_page(demande_id: int, *, status: int = 200, erreur: str | None = None, resolu=None,
                resultats=None, type_: str = "", code: str = "", q: str = "", poste: str = "",
                type_etab: str = "", guide: bool = False):
    demande = load_demande(demande_id)
    session = get_session()
    campaign = campagne_or_404(demande.campagne)
    form = VoeuForm(data={"version": str(demande.voeux_version), "type": type_, "code": code, "poste": poste})
    nb = len(voeux_de(session, demande.id))
    restrictions = restrictions_permises(campaign, resolu.type) if resolu else []
    return render_template(
        "app/mobilite/ajouter_voeu.html", campaign=campaign, ligne=ligne(session, demande, campaign, nb=nb),
        demande=demande, types=types_permis(campaign), type_=type_, code=code, q=q, poste=poste,
        resolu=resolu, resultats=resultats, form=form, erreur=erreur, nb=nb,
        plein=nb >= campaign.voeu_limit, limite_atteinte=MSG_LIMITE_ATTEINTE.format(n=nb),
        restrictions=restrictions, type_etab=type_etab, tout_type=TOUT_TYPE,
        choix=codes.choix(site_or_404().referentiel, type_, request.args.get("dpt", "")[:3],
                          request.args.get("commune", "")[:5]) if guide else None,
    ), status


@bp.get("/demandes/<int:demande_id>/voeux/ajouter")
@login_required
def ajouter_voeu(demande_id: int):
    """"Ajouter un vœu": type and code, "Rechercher" shows the libellé; no code: guided search."""
    demande = load_demande(demande_id)
    campaign = campagne_or_404(demande.campagne)
    garde_saisie(campaign)
    _garde_lettre(demande_id, campaign, demande.mouvement)
    type_ = request.args.get("type", "")[:3]
    code = request.args.get("code", "")[:40]
    q = request.args.get("q", "")[:80].strip()
    poste = request.args.get("poste", "")[:30]
    if "type" not in request.args:
        return _ajout_page(demande_id, code=code)
    message = refus_type(campaign, type_)
    if message:
        return _ajout_page(demande_id, status=400, erreur=message, type_=type_, code=code)
    ref = site_or_404().referentiel
    if not codes.normaliser(code):
        if not q:
            # Both fields empty: the choices of this type, step by step (seed 001's « saisie guidée »).
            return _ajout_page(demande_id, type_=type_, guide=True)
        return _ajout_page(demande_id, type_=type_, q=q, resultats=codes.rechercher(ref, type_, q))
    try:
        resolu = codes.resoudre(ref, type_, code)
    except codes.CodeRefuse as exc:
        return _ajout_page(demande_id, status=400, erreur=exc.message, type_=type_, code=code)
    return _ajout_page(demande_id, type_=type_, code=resolu.code, resolu=resolu, poste=poste)


@bp.post("/demandes/<int:demande_id>/voeux/ajouter")
@login_required
@form_view
def enregistrer_voeu(demande_id: int):
    """"Enregistrer": one read of the list (with its version and lettre), one decision, one write on
    condition that the list has not changed meanwhile."""
    liste = liste_de_demande(demande_id)
    campaign = campagne_or_404(liste.campagne)
    form = VoeuForm()
    valid = form.validate()
    type_, code = (form.type.data or "")[:3], form.code.data or ""
    poste, type_etab = (form.poste.data or "")[:30], (form.type_etab.data or "")[:10]
    decision = decider_ajout(
        campaign, site_or_404().referentiel, now(),
        ListeVue(liste.mouvement, liste.lettre_enregistree, liste.version,
                 tuple((v.type, v.code, v.type_etab) for v in liste.voeux)),
        version=version_du_formulaire(form.version.data), type_=type_, code=code, type_etab=type_etab,
        erreur_formulaire=None if valid else form.first_error,
    )
    if isinstance(decision, Refus):
        if decision.page == PAGE_ERREUR:
            refuse(decision.status, decision.message)
        if decision.page == PAGE_LISTE:
            return demande_page(demande_id, status=decision.status, erreur=decision.message)
        return _ajout_page(demande_id, status=decision.status, erreur=decision.message, type_=type_,
                           code=codes.normaliser(code)[:20], poste=poste, type_etab=type_etab)
    resolu = decision.voeu
    before = [instantane(v) for v in liste.voeux]
    ajout = {"rank": decision.rank, "type": resolu.type, "numero": resolu.code, "type_etab": type_etab, "poste": poste}
    try:
        # The message goes with the vœu: the session row is written with it, not in a write after it.
        done = ecrire(Ecriture(
            demande_id=demande_id, version=liste.version, actor_id=g.identity.account_id,
            action="mobilite.voeu.ajout", before={"voeux": before}, after={"voeux": before + [ajout]},
            ajout={"rank": decision.rank, "type": resolu.type, "code": resolu.code, "type_etab": type_etab,
                   "libelle": resolu.libelle[:300], "poste": poste},
            flash=("success", "Le vœu est enregistré."),
        ))
    except IntegrityError:
        done = False  # the same vœu, added by another request since the list was read
    if not done:
        return demande_page(demande_id, status=409, erreur=MSG_PERIME)
    return redirect(url_for("mobilite.demande", demande_id=demande_id))


def _changer(voeu_id: int, operation, action: str):
    """Apply operation(ids, voeu_id) -> new order (None: no move) to the list read at the form's version.

    The CSRF token was checked by the gate (security.csrf_gate); the version is the form's only field.
    """
    liste = liste_du_voeu(voeu_id)
    if liste is None:
        return _voeu_disparu()
    campaign = campagne_or_404(liste.campagne)
    garde_saisie(campaign)
    version = version_du_formulaire(request.form.get("version"))
    if version != liste.version:
        return demande_page(liste.demande_id, status=409, erreur=MSG_PERIME)
    by_id = {v.id: v for v in liste.voeux}
    order = operation(list(by_id), voeu_id)
    if order is not None:
        ranks = rangs.rangs(order)
        ecriture = Ecriture(
            demande_id=liste.demande_id, version=version, actor_id=g.identity.account_id, action=action,
            before={"voeux": [instantane(v) for v in liste.voeux]},
            after={"voeux": [instantane(by_id[v], ranks[v]) for v in order]},
            supprimes=[vid for vid in by_id if vid not in ranks],
            rangs={vid: rank for vid, rank in ranks.items() if by_id[vid].rank != rank},
            flash=("success", _message_changement(by_id[voeu_id], ranks.get(voeu_id))),
        )
        if not ecrire(ecriture):
            return demande_page(liste.demande_id, status=409, erreur=MSG_PERIME)
    return redirect(url_for("mobilite.demande", demande_id=liste.demande_id) + "#voeux")


def _message_changement(voeu, rang: int | None) -> str:
    """What the teacher is told after ▲, ▼ or « Supprimer »: which vœu, and where it is now."""
    nom = f"«{NBSP}{voeu.libelle}{NBSP}»"
    if rang is None:
        return f"Le vœu n°{NBSP}{voeu.rank} {nom} est supprimé{NBSP}; les vœux suivants remontent d'un rang."
    return f"Le vœu {nom} passe du rang {voeu.rank} au rang {rang}."


def _voeu_disparu():
    """The vœu is no longer in the list the form names (a double click on « Supprimer », another tab):
    when that list has moved on since the page was shown, 409 with the list as it is now; else 404."""
    try:
        demande_id = int(request.form.get("demande", ""))
        version = int(request.form.get("version", ""))
    except ValueError:
        abort(404)
    demande = load_demande_ref(demande_id)
    if version >= demande.voeux_version:
        abort(404)  # the list has not changed: this vœu was never in it
    return demande_page(demande_id, status=409, erreur=MSG_PERIME)


@bp.post("/voeux/<int:voeu_id>/monter")
@login_required
def monter(voeu_id: int):
    """▲"""
    return _changer(voeu_id, lambda ids, item: rangs.deplacer(ids, item, -1), "mobilite.voeu.monter")


@bp.post("/voeux/<int:voeu_id>/descendre")
@login_required
def descendre(voeu_id: int):
    """▼"""
    return _changer(voeu_id, lambda ids, item: rangs.deplacer(ids, item, +1), "mobilite.voeu.descendre")


@bp.post("/voeux/<int:voeu_id>/supprimer")
@login_required
def supprimer_voeu(voeu_id: int):
    """Delete a vœu; the ranks close up."""
    return _changer(voeu_id, rangs.retirer, "mobilite.voeu.suppression")


@bp.get("/voeu")
@login_required
def depuis_poste():
    """From a postes vacants page: land on "Ajouter un vœu" with type and code filled in."""
    campaign = campagne_or_404(request.args.get("campagne", ""))
    agent = load_own_agent()
    args = {k: request.args.get(k, "")[:40] for k in ("type", "code", "poste")}
    session = get_session()
    lignes = [ligne(session, d, campaign) for d in demandes_de(session, agent.id, campaign.slug)]
    if len(lignes) == 1:
        return redirect(url_for("mobilite.ajouter_voeu", demande_id=lignes[0].demande.id, **args))
    try:
        voeu = codes.resoudre(site_or_404().referentiel, args["type"], args["code"]) if args["code"] else None
    except codes.CodeRefuse:
        voeu = None  # the add page says what is wrong with it, once a demande is chosen
    return render_template("app/mobilite/choisir_demande.html", campaign=campaign, lignes=lignes, args=args,
                           voeu=voeu, types=VOEU_TYPES, ouverte=saisie_ouverte(campaign))
