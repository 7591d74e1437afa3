"""A demande on the desk: the agent's dossier in short, the lettre, the pièces, the vœux and their
barème; « Vérifier le barème » element by element, the answers to corrections, a message to the agent.
Every write is audited and moves the demande's revision on (the teacher's cached page is then stale)."""
from __future__ import annotations

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from sqlalchemy import select, update

from generator.frdates import NBSP, window_fr

from ...comptes.access import role_required
from ...comptes.models import Account
from ...core import audit
from ...core.clock import now
from ...core.db import get_session, write_transaction
from ...core.errors import refuse
from ...core.fichiers import safe_filename
from ...core.security import form_view
from ...courrier.messages import send_message
from ...dossier.models import Agent
from ...mobilite.bareme import bareme_demande, dossier_de
from ...mobilite.lecture import lettre_de, ligne, pieces_de, voeux_de
from ...mobilite.models import BaremeDecision, BaremeVerification, CorrectionBareme, Demande
from ...mobilite.rules.bareme import ACCORDE, CORRIGE, elements_du_bareme, justificatif, points_par_defaut
from ...mobilite.rules.fenetre import etat_saisie
from ..forms import DecisionForm, MessageForm, ReponseForm
from ..loaders import campagne_or_404, load_correction, load_demande, load_piece
from ..rules import decision_en_mots, decisions_permises, lire_decision
from . import bp

MSG_SAISIE = (f"La saisie des vœux est encore ouverte{NBSP}: le barème se vérifie une fois les vœux arrêtés, "
              "après sa clôture ({fenetre}).")
MSG_DEJA_REPONDU = f"Cette demande de correction a déjà reçu une réponse{NBSP}: rechargez la page pour la voir."
MSG_REPONSE = f"Choisissez «{NBSP}Accepter{NBSP}» ou «{NBSP}Refuser{NBSP}»."
MSG_MOTIF_REFUS = f"Indiquez le motif du refus{NBSP}: il est envoyé à l'agent."
MSG_OBJET = f"Indiquez l'objet du message{NBSP}: l'agent le lit dans la liste de son courrier."
MSG_CORPS = f"Le message est vide{NBSP}: écrivez-le avant de l'envoyer."
MSG_SANS_COMPTE = f"L'agent n'a pas encore de compte sur le portail{NBSP}: aucun courrier ne peut lui être adressé."
MSG_ELEMENT = f"Cet élément ne fait pas partie du barème de cette campagne pour cet agent{NBSP}: choisissez-en un dans la liste."


def toucher(session, demande_id: int) -> None:
    """The demande's pages change: its revision moves on (never its « dernière modification »)."""
    session.execute(update(Demande).where(Demande.id == demande_id).values(revision=Demande.revision + 1)
                    .execution_options(synchronize_session=False))


def garde_verification(campaign) -> None:
    """A gestionnaire's barème decisions wait for the end of the saisie: 403 with its dates before."""
    if etat_saisie(campaign, now()) != "close":
        refuse(403, MSG_SAISIE.format(fenetre=window_fr(campaign.saisie.start, campaign.saisie.end)))


def _regles(campaign, agent):
    """The elements a gestionnaire decides on for this agent, in the campaign's order."""
    return elements_du_bareme(campaign.bareme, dossier_de(agent))


def demande_page(demande_id: int, *, status: int = 200, erreur: str | None = None, erreur_de: str = "",
                 formulaire=None):
    demande = load_demande(demande_id)
    session = get_session()
    campaign = campagne_or_404(demande.campagne)
    agent = session.get(Agent, demande.agent_id)
    identifiant = session.scalar(select(Account.identifiant).where(Account.agent_id == agent.id))
    voeux = voeux_de(session, demande.id)
    bareme = bareme_demande(session, campaign, agent, demande.id, voeux, gestionnaire=True)
    ref = bareme.referentiel if bareme else None
    etab = ref.etablissements.get(agent.affectation_uai or "") if ref else None
    regles = _regles(campaign, agent)
    dossier = dossier_de(agent)
    return render_template(
        "app/gestion/demande.html", campaign=campaign, demande=demande, agent=agent, identifiant=identifiant,
        ligne=ligne(session, demande, campaign, nb=len(voeux)), voeux=voeux, bareme=bareme,
        lettre=lettre_de(session, demande.id), pieces=pieces_de(session, demande, campaign), etab=etab,
        regles=regles, permises={r.code: decisions_permises(r) for r in regles},
        defauts={r.code: points_par_defaut(r, dossier) for r in regles}, justificatifs={r.code for r in regles if justificatif(r)},
        decision_en_mots=decision_en_mots, saisie_close=etat_saisie(campaign, now()) == "close",
        erreur=erreur, erreur_de=erreur_de, formulaire=formulaire,
    ), status


def _refus(demande_id: int, message: str, status: int = 400, *, erreur_de: str = "", formulaire=None):
    abort(make_response(demande_page(demande_id, status=status, erreur=message, erreur_de=erreur_de,
                                     formulaire=formulaire)))


@bp.get("/demandes/<int:demande_id>/")
@role_required("gestionnaire")
def demande(demande_id: int):
    html, status = demande_page(demande_id)
    return html, status


def ecrire_decision(session, demande_id: int, element: str, decision: str, points_centiemes: int | None,
                    motif: str, *, action: str = "gestion.bareme.decision", extra: dict | None = None) -> None:
    """Insert or replace the decision on one element, with its audit row (inside the caller's transaction)."""
    row = session.scalar(select(BaremeDecision).where(BaremeDecision.demande_id == demande_id,
                                                      BaremeDecision.element == element).with_for_update())
    before = None
    if row is not None:
        before = {"element": element, "decision": row.decision, "points": row.points, "motif": row.motif}
        row.decision, row.points_centiemes, row.motif = decision, points_centiemes, motif
        row.decided_by, row.decided_at = g.account.id, now()
    else:
        session.add(BaremeDecision(demande_id=demande_id, element=element, decision=decision,
                                   points_centiemes=points_centiemes, motif=motif, decided_by=g.account.id,
                                   decided_at=now()))
    after = {"element": element, "decision": decision,
             "points": None if points_centiemes is None else points_centiemes / 100, "motif": motif, **(extra or {})}
    toucher(session, demande_id)
    session.flush()
    audit.record(session, actor_id=g.account.id, action=action, target=f"demande:{demande_id}",
                 before=before, after=after)


@bp.post("/demandes/<int:demande_id>/bareme/<element>")
@role_required("gestionnaire")
@form_view
def decider(demande_id: int, element: str):
    """« Vérifier le barème », one element: vérifié, corrigé, accordé or refusé, with the reason."""
    demande = load_demande(demande_id)
    campaign = campagne_or_404(demande.campagne)
    garde_verification(campaign)
    session = get_session()
    agent = session.get(Agent, demande.agent_id)
    rule = next((r for r in _regles(campaign, agent) if r.code == element), None)
    if rule is None:
        _refus(demande_id, MSG_ELEMENT, 404)
    form = DecisionForm()
    if not form.validate():
        message = form.csrf_token.errors[0] if form.csrf_failed else next(
            e for errors in form.errors.values() for e in errors)
        _refus(demande_id, message, erreur_de=element, formulaire=form)
    lue = lire_decision(rule, form.decision.data or "", form.points.data or "", form.motif.data or "",
                        points_par_defaut(rule, dossier_de(agent)))
    if isinstance(lue, str):
        _refus(demande_id, lue, erreur_de=element, formulaire=form)
    with write_transaction(session):
        ecrire_decision(session, demande_id, element, lue.decision, lue.points_centiemes, lue.motif)
    flash(f"{rule.label}{NBSP}: {decision_en_mots(lue.decision, _points_retenus(lue, rule, agent))}.", "success")
    return redirect(url_for("gestion.demande", demande_id=demande_id) + "#verification")


def _points_retenus(lue, rule, agent) -> float | None:
    """The points a decision gives: its own, or for a granted element the element's own value."""
    if lue.points_centiemes is not None:
        return lue.points_centiemes / 100
    return points_par_defaut(rule, dossier_de(agent)) if lue.decision == ACCORDE else None


def verifier_demandes(session, ids: list[int]) -> int:
    """Mark these demandes' barème as verified (those not yet), each audited; how many were marked."""
    done = set(session.scalars(select(BaremeVerification.demande_id).where(BaremeVerification.demande_id.in_(ids))))
    marked = 0
    for demande_id in ids:
        if demande_id in done:
            continue
        session.add(BaremeVerification(demande_id=demande_id, verifie_par=g.account.id, verifie_at=now()))
        toucher(session, demande_id)
        audit.record(session, actor_id=g.account.id, action="gestion.bareme.verification",
                     target=f"demande:{demande_id}", before={"verifie": False}, after={"verifie": True})
        marked += 1
    session.flush()
    return marked


@bp.post("/demandes/<int:demande_id>/verifier")
@role_required("gestionnaire")
def verifier(demande_id: int):
    """« Marquer le barème comme vérifié »: an element left undecided keeps its computed points."""
    demande = load_demande(demande_id)
    garde_verification(campagne_or_404(demande.campagne))
    session = get_session()
    with write_transaction(session):
        marked = verifier_demandes(session, [demande_id])
    flash("Le barème est marqué comme vérifié." if marked else "Le barème était déjà marqué comme vérifié.", "success")
    return redirect(url_for("gestion.demande", demande_id=demande_id) + "#verification")


def _compte_de(session, agent_id: int) -> int | None:
    return session.scalar(select(Account.id).where(Account.agent_id == agent_id))


@bp.post("/corrections/<int:correction_id>/reponse")
@role_required("gestionnaire")
@form_view
def repondre(correction_id: int):
    """Accept a correction (the barème changes) or refuse it with the reason; the agent's courrier
    receives the answer."""
    correction = load_correction(correction_id)
    demande_id = correction.demande_id
    demande = load_demande(demande_id)
    campaign = campagne_or_404(demande.campagne)
    session = get_session()
    agent = session.get(Agent, demande.agent_id)
    form = ReponseForm()
    if not form.validate():
        message = form.csrf_token.errors[0] if form.csrf_failed else next(
            e for errors in form.errors.values() for e in errors)
        _refus(demande_id, message, erreur_de=f"correction-{correction_id}", formulaire=form)
    reponse, motif = form.reponse.data or "", (form.motif.data or "").strip()
    if reponse not in ("accepter", "refuser"):
        _refus(demande_id, MSG_REPONSE, erreur_de=f"correction-{correction_id}", formulaire=form)
    if reponse == "refuser" and not motif:
        _refus(demande_id, MSG_MOTIF_REFUS, erreur_de=f"correction-{correction_id}", formulaire=form)
    lue = None
    rule = next((r for r in campaign.bareme if r.code == correction.element), None)
    if reponse == "accepter":
        if rule is None:
            _refus(demande_id, MSG_ELEMENT, erreur_de=f"correction-{correction_id}", formulaire=form)
        decision = ACCORDE if justificatif(rule) else CORRIGE
        lue = lire_decision(rule, decision, form.points.data or "", motif or "Demande de correction acceptée.",
                            points_par_defaut(rule, dossier_de(agent)))
        if isinstance(lue, str):
            _refus(demande_id, lue, erreur_de=f"correction-{correction_id}", formulaire=form)
    account_id = _compte_de(session, agent.id)
    label = rule.label if rule else correction.element
    with write_transaction(session):
        row = session.scalar(select(CorrectionBareme).where(CorrectionBareme.id == correction_id).with_for_update())
        if row.etat != "envoyee":
            raise _Deja()
        before = row.snapshot()
        row.etat = "acceptee" if lue else "refusee"
        row.reponse, row.answered_at, row.answered_by = motif, now(), g.account.id
        if lue is not None:
            ecrire_decision(session, demande_id, correction.element, lue.decision, lue.points_centiemes, lue.motif,
                            extra={"correction": correction_id})
        toucher(session, demande_id)
        audit.record(session, actor_id=g.account.id, action="gestion.correction.reponse",
                     target=f"demande:{demande_id}", before=before, after=row.snapshot())
        if account_id is not None:
            if lue is not None:
                points = decision_en_mots(lue.decision, _points_retenus(lue, rule, agent))
                body = (f"Votre demande de correction de l'élément «{NBSP}{label}{NBSP}» ({campaign.title}) est acceptée{NBSP}: "
                        f"{points}.{' ' + motif if motif else ''}\n\nLe barème de chacun de vos vœux en tient compte.")
            else:
                body = (f"Votre demande de correction de l'élément «{NBSP}{label}{NBSP}» ({campaign.title}) est refusée.\n\n"
                        f"Motif{NBSP}: {motif}")
            send_message(session, to_account_id=account_id, sender_account_id=g.account.id,
                         subject=f"Demande de correction du barème{NBSP}: {'acceptée' if lue else 'refusée'}", body=body)
    flash("La réponse est enregistrée et envoyée dans le courrier de l'agent.", "success")
    return redirect(url_for("gestion.demande", demande_id=demande_id) + "#corrections")


class _Deja(Exception):
    """The correction was answered by someone else meanwhile."""


@bp.errorhandler(_Deja)
def _deja(_exc):
    from ...core.errors import render_error

    return render_error(409, MSG_DEJA_REPONDU)


def message_de_demande(campaign, ligne_, demande_id: int, corps: str) -> str:
    return f"{corps}\n\n— Demande n°{NBSP}{demande_id}{NBSP}: {ligne_.libelle} ({campaign.title})."


@bp.post("/demandes/<int:demande_id>/message")
@role_required("gestionnaire")
@form_view
def ecrire(demande_id: int):
    """Write to the agent about this demande: a courrier message that names it."""
    demande = load_demande(demande_id)
    campaign = campagne_or_404(demande.campagne)
    session = get_session()
    form = MessageForm()
    if not form.validate():
        message = form.csrf_token.errors[0] if form.csrf_failed else next(
            e for errors in form.errors.values() for e in errors)
        _refus(demande_id, message, erreur_de="message", formulaire=form)
    if not form.objet.data:
        _refus(demande_id, MSG_OBJET, erreur_de="message", formulaire=form)
    if not form.corps.data:
        _refus(demande_id, MSG_CORPS, erreur_de="message", formulaire=form)
    account_id = _compte_de(session, demande.agent_id)
    if account_id is None:
        _refus(demande_id, MSG_SANS_COMPTE, 409, erreur_de="message", formulaire=form)
    texte = message_de_demande(campaign, ligne(session, demande, campaign), demande_id, form.corps.data)
    with write_transaction(session):
        sent = send_message(session, to_account_id=account_id, sender_account_id=g.account.id,
                            subject=form.objet.data, body=texte)
        audit.record(session, actor_id=g.account.id, action="gestion.message", target=f"demande:{demande_id}",
                     after={"objet": form.objet.data, "message": sent.id})
    flash("Le message est envoyé dans le courrier de l'agent.", "success")
    return redirect(url_for("gestion.demande", demande_id=demande_id) + "#message")


@bp.get("/pieces/<int:piece_id>")
@role_required("gestionnaire")
def piece(piece_id: int):
    """A pièce jointe: opened in the browser (?inline=1) or downloaded."""
    pj = load_piece(piece_id)
    response = make_response(pj.data)
    response.headers["Content-Type"] = "application/pdf"
    disposition = "inline" if request.args.get("inline") == "1" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{safe_filename(pj.filename)}"'
    # No script, no form, nothing loaded from elsewhere; the browser's PDF viewer still shows it.
    response.headers["Content-Security-Policy"] = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"
    return response
