"""Confirmations de demande: the teacher's page (document, PDF, signed return), the gestionnaire's follow-up
(returned or not, a paper return marked as received)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from generator.frdates import datetime_fr, window_fr

from ..comptes.access import login_required, role_required
from ..core import audit
from ..core.clock import now
from ..core.db import get_session, write_transaction
from ..core.errors import refuse
from ..core.fichiers import pdf_attachment
from ..core.records import checked_id
from ..courrier.pieces import CONSIGNE, MAX_PIECES, PiecesRefusees, lire_pieces
from ..dossier.models import Agent
from ..mobilite.loaders import campagne_or_404, load_demande
from ..mobilite.models import Demande
from . import document, echeances  # noqa: F401  (échéances registered with the blueprint)
from .models import ANNULEE, ATTENTE, NON_RECEVABLE, RETOURNEE, ConfirmationDemande, FichierConfirmation, page_changee
from ..core.texte import chiffres

bp = Blueprint("confirmations", __name__, url_prefix="/confirmations")

ETATS = {ATTENTE: "En attente de retour", RETOURNEE: "Retournée", ANNULEE: "Annulée (non retournée)",
         NON_RECEVABLE: "Non recevable"}
CORRECTIONS_MAX = 2000
NBSP = "\u00a0"
MSG_SIGNEE = "Joignez la confirmation signée, au format PDF."
MSG_CORRECTIONS = f"Vos corrections font plus de 2\u202f000 caractères{NBSP}: raccourcissez-les."
MSG_DEJA = "Cette confirmation a déjà été retournée le {le}{mode} : elle ne peut plus être modifiée."
MSG_ANNULEE = ("Cette demande a été annulée le {le} : sa confirmation n'a pas été retournée avant la date "
               "limite.")
MSG_NON_RECEVABLE = "Cette demande n'est pas recevable : il n'y a pas de confirmation à retourner."
MSG_FERME = "Le retour des confirmations est fermé : il était possible jusqu'au {fin}."
MSG_PAS_ENCORE = "La confirmation de cette demande n'a pas encore été établie : elle le sera à la clôture de la saisie."


@bp.app_template_global("suivi_demande")
def suivi_demande(demande_id: int) -> dict:
    """What the demande's page shows of its confirmation and result (an include of the demande page)."""
    session = get_session()
    confirmation = session.scalar(select(ConfirmationDemande).where(ConfirmationDemande.demande_id == demande_id))
    from ..resultats.lecture import resultat_publie

    return {"confirmation": confirmation, "etats": ETATS, "resultat": resultat_publie(session, demande_id)}


@bp.app_template_global("confirmations_comptes")
def confirmations_comptes(slug: str) -> dict:
    """The desk's count of a campaign's confirmations by state (and their total)."""
    counts = dict(get_session().execute(
        select(ConfirmationDemande.etat, func.count()).where(ConfirmationDemande.campagne == slug)
        .group_by(ConfirmationDemande.etat)).all())
    return {**{etat: counts.get(etat, 0) for etat in ETATS}, "total": sum(counts.values())}


def _confirmation_of(demande_id: int) -> tuple[Demande, ConfirmationDemande | None]:
    """The demande (the teacher's own, or any for a gestionnaire) and its confirmation."""
    if g.account is not None and g.account.role == "gestionnaire":
        demande = get_session().get(Demande, checked_id(demande_id))
        if demande is None:
            abort(404)
    else:
        demande = load_demande(demande_id)
    confirmation = get_session().scalar(
        select(ConfirmationDemande).where(ConfirmationDemande.demande_id == demande.id))
    return demande, confirmation


def _fichiers(confirmation: ConfirmationDemande | None) -> list:
    if confirmation is None:
        return []
    return list(get_session().execute(
        select(FichierConfirmation.id, FichierConfirmation.role, FichierConfirmation.rang,
               FichierConfirmation.filename, FichierConfirmation.size, FichierConfirmation.created_at)
        .where(FichierConfirmation.confirmation_id == confirmation.id)
        .order_by(FichierConfirmation.role.desc(), FichierConfirmation.rang)).all())


def _relue_verrouillee(session, confirmation_id: int) -> ConfirmationDemande:
    """The confirmation read again under the write lock: a double submission or a return marked in between
    is seen."""
    return session.scalar(select(ConfirmationDemande).where(ConfirmationDemande.id == confirmation_id)
                          .execution_options(populate_existing=True).with_for_update())


def _retour_possible(campaign, confirmation) -> str | None:
    """Why the return is refused now (None: it may be made)."""
    if confirmation is None:
        return MSG_PAS_ENCORE
    if confirmation.etat == NON_RECEVABLE:
        return MSG_NON_RECEVABLE
    if confirmation.etat == ANNULEE:
        return MSG_ANNULEE.format(le=datetime_fr(confirmation.annulee_at))
    if confirmation.etat == RETOURNEE:
        mode = " (reçue par courrier postal)" if confirmation.retour_mode == "papier" else ""
        return MSG_DEJA.format(le=datetime_fr(confirmation.retournee_at), mode=mode)
    phase = campaign.phase("confirmation")
    if phase is not None and phase.end is not None and now() >= phase.end:
        return MSG_FERME.format(fin=datetime_fr(phase.end))
    return None


def _page(demande_id: int, status: int = 200, erreurs: dict | None = None, corrections: str = ""):
    demande, confirmation = _confirmation_of(demande_id)
    campaign = campagne_or_404(demande.campagne)
    phase = campaign.phase("confirmation")
    from ..mobilite.lecture import ligne

    return render_template(
        "app/confirmations/demande.html", demande=demande, confirmation=confirmation, campaign=campaign,
        ligne=ligne(get_session(), demande, campaign), etats=ETATS, fichiers=_fichiers(confirmation),
        refus=_retour_possible(campaign, confirmation), erreurs=erreurs or {}, corrections=corrections,
        fenetre=window_fr(phase.start, phase.end) if phase else "", consigne=CONSIGNE,
        corrections_max=CORRECTIONS_MAX, gestionnaire=g.account.role == "gestionnaire",
    ), status


@bp.get("/demandes/<int:demande_id>/")
@login_required
def demande(demande_id: int):
    """« Confirmation de demande »: its state, the document, and the return form while it may be returned."""
    return _page(demande_id)


@bp.get("/demandes/<int:demande_id>/document")
@login_required
def document_html(demande_id: int):
    """The document in the browser (printable), as the PDF shows it."""
    demande, confirmation = _confirmation_of(demande_id)
    campaign = campagne_or_404(demande.campagne)
    agent = get_session().get(Agent, demande.agent_id)
    ctx = document.contexte(get_session(), agent, campaign, demande,
                            confirmation.envoyee_at if confirmation else now(),
                            etat=confirmation.etat if confirmation else ATTENTE,
                            date_limite=confirmation.date_limite if confirmation else None)
    return document.html(ctx, pour_pdf=False)


@bp.get("/demandes/<int:demande_id>/pdf")
@login_required
def pdf(demande_id: int):
    """The PDF sent at the close of the saisie."""
    _demande, confirmation = _confirmation_of(demande_id)
    if confirmation is None:
        abort(404)
    return pdf_attachment(confirmation.pdf, f"confirmation-demande-{confirmation.demande_id}.pdf")


@bp.get("/demandes/<int:demande_id>/fichiers/<nom>")
@login_required
def fichier(demande_id: int, nom: str):
    """A file of the return: « signee » or « justificatif-N »."""
    _demande, confirmation = _confirmation_of(demande_id)
    role, _sep, rang = nom.partition("-")
    if confirmation is None or role not in ("signee", "justificatif") or (rang and not chiffres(rang)):
        abort(404)
    found = get_session().scalar(select(FichierConfirmation).where(
        FichierConfirmation.confirmation_id == confirmation.id, FichierConfirmation.role == role,
        FichierConfirmation.rang == int(rang or 1)))
    if found is None:
        abort(404)
    return pdf_attachment(found.data, found.filename)


@bp.post("/demandes/<int:demande_id>/retour")
@login_required
def retour(demande_id: int):
    """Return the signed confirmation (PDF), with corrections and justificatifs: all checked, then written."""
    if g.account.role == "gestionnaire":
        abort(403)
    demande, confirmation = _confirmation_of(demande_id)
    campaign = campagne_or_404(demande.campagne)
    refus = _retour_possible(campaign, confirmation)
    if refus is not None:
        return _page(demande_id, 409 if confirmation is not None and confirmation.etat == RETOURNEE else 403,
                     {"general": refus})
    corrections = request.form.get("corrections", "").replace("\r\n", "\n").strip()
    erreurs: dict[str, str] = {}
    status = 400
    if len(corrections) > CORRECTIONS_MAX:
        erreurs["corrections"] = MSG_CORRECTIONS
    signee = request.files.get("signee")
    pieces_signee = justificatifs = []
    if signee is None or not signee.filename:
        erreurs["signee"] = MSG_SIGNEE
    else:
        try:
            pieces_signee = lire_pieces([signee], maximum=1)
        except PiecesRefusees as exc:
            erreurs["signee"], status = exc.message, max(status, exc.status)
    try:
        justificatifs = lire_pieces(request.files.getlist("justificatifs"), maximum=MAX_PIECES)
    except PiecesRefusees as exc:
        erreurs["justificatifs"], status = exc.message, max(status, exc.status)
    if erreurs:
        return _page(demande_id, status, erreurs, corrections)
    session = get_session()
    moment = now()
    with write_transaction(session):
        # Re-read under the write lock: a double submission or a gestionnaire's paper mark in between wins.
        current = _relue_verrouillee(session, confirmation.id)
        if current.etat != ATTENTE:
            session.rollback()
            return _page(demande_id, 409, {"general": _retour_possible(campaign, current)})
        stored = [FichierConfirmation(confirmation_id=current.id, role="signee", rang=1, filename=p.filename,
                                      size=p.report.size, pages=p.report.pages, sha256=p.report.sha256, data=p.data,
                                      created_at=moment) for p in pieces_signee]
        stored += [FichierConfirmation(confirmation_id=current.id, role="justificatif", rang=i, filename=p.filename,
                                       size=p.report.size, pages=p.report.pages, sha256=p.report.sha256,
                                       data=p.data, created_at=moment) for i, p in enumerate(justificatifs, 1)]
        session.add_all(stored)
        before = current.snapshot()
        current.etat, current.retournee_at, current.retour_mode = RETOURNEE, moment, "depot"
        current.corrections = corrections
        page_changee(session, [demande.id])
        audit.record(session, actor_id=g.account.id, action="confirmations.retour", target=f"demande:{demande.id}",
                     before=before, after={**current.snapshot(), "fichiers": [f.snapshot() for f in stored]})
    flash(f"Votre confirmation signée est retournée{NBSP}: retournée le {datetime_fr(moment)}.")
    return redirect(url_for("confirmations.demande", demande_id=demande.id))


# --- the gestionnaire's follow-up ------------------------------------------------------------------

FILTRES = {"": "Toutes", "retournees": "Retournées", "non-retournees": "Non retournées", "annulees": "Annulées",
           "non-recevables": "Non recevables"}
_FILTRE_ETATS = {"retournees": (RETOURNEE,), "non-retournees": (ATTENTE,), "annulees": (ANNULEE,),
                 "non-recevables": (NON_RECEVABLE,)}
PAR_PAGE = 50


def requete_suivi(slug: str, filtre: str):
    """The confirmations of a campaign with their agent, filtered (the desk and this page share it)."""
    query = (select(ConfirmationDemande, Agent.nom, Agent.prenom)
             .join(Agent, Agent.id == ConfirmationDemande.agent_id)
             .where(ConfirmationDemande.campagne == slug))
    if filtre in _FILTRE_ETATS:
        query = query.where(ConfirmationDemande.etat.in_(_FILTRE_ETATS[filtre]))
    return query


@bp.get("/gestion/<slug>/")
@login_required
@role_required("gestionnaire")
def suivi(slug: str):
    """Every confirmation of a campaign: returned or not, with a filter kept in the URL."""
    campaign = campagne_or_404(slug)
    filtre = request.args.get("etat", "")
    if filtre not in FILTRES:
        refuse(400, f"Filtre inconnu{NBSP}: «{NBSP}{filtre[:40]}{NBSP}». Choisissez parmi : "
                    + ", ".join(f"«{NBSP}{k}{NBSP}»" for k in FILTRES if k) + ".")
    page_no = request.args.get("page", "1")
    if not chiffres(page_no) or int(page_no) < 1:
        refuse(400, "Numéro de page invalide : indiquez un nombre entier à partir de 1.")
    page_no = int(page_no)
    session = get_session()
    counts = dict(session.execute(select(ConfirmationDemande.etat, func.count())
                                  .where(ConfirmationDemande.campagne == slug)
                                  .group_by(ConfirmationDemande.etat)).all())
    rows = session.execute(requete_suivi(slug, filtre).order_by(Agent.nom, Agent.prenom, ConfirmationDemande.id)
                           .offset((page_no - 1) * PAR_PAGE).limit(PAR_PAGE + 1)).all()
    return render_template("app/confirmations/suivi.html", campaign=campaign, rows=rows[:PAR_PAGE],
                           suivante=len(rows) > PAR_PAGE, page_no=page_no, filtre=filtre, filtres=FILTRES,
                           counts=counts, etats=ETATS, fenetre=_fenetre(campaign))


def _fenetre(campaign) -> str:
    phase = campaign.phase("confirmation")
    return window_fr(phase.start, phase.end) if phase is not None else ""


@bp.post("/gestion/demandes/<int:demande_id>/papier")
@login_required
@role_required("gestionnaire")
def papier(demande_id: int):
    """Mark a confirmation returned on paper as received (audited)."""
    demande, confirmation = _confirmation_of(demande_id)
    campaign = campagne_or_404(demande.campagne)
    if confirmation is None:
        refuse(409, MSG_PAS_ENCORE)
    session = get_session()
    moment = now()
    with write_transaction(session):
        current = _relue_verrouillee(session, confirmation.id)
        if current.etat != ATTENTE:
            message = _retour_possible(campaign, current)
            session.rollback()
            refuse(409, message)
        before = current.snapshot()
        current.etat, current.retournee_at, current.retour_mode, current.recue_par = (
            RETOURNEE, moment, "papier", g.account.id)
        page_changee(session, [demande.id])
        audit.record(session, actor_id=g.account.id, action="confirmations.retour_papier",
                     target=f"demande:{demande.id}", before=before, after=current.snapshot())
    flash(f"Confirmation de la demande n° {demande.id} marquée reçue par courrier postal le {datetime_fr(moment)}.")
    if request.form.get("retour") == "demande":
        return redirect(url_for("confirmations.demande", demande_id=demande.id))
    if request.form.get("retour") == "bureau" and "gestion.demande" in current_app.view_functions:
        return redirect(url_for("gestion.demande", demande_id=demande.id) + "#confirmation")
    etat = request.form.get("etat", "")
    return redirect(url_for("confirmations.suivi", slug=campaign.slug, etat=etat if etat in FILTRES and etat else None))
