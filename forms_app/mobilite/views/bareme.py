"""The teacher's side of the barème: the situations she declares (saisie), « Demander une correction »
(phase « bareme » only, one optional PDF screened like pièces jointes), the PDF of a correction."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from sqlalchemy import select, update

from generator.frdates import NBSP, window_fr

from ...comptes.access import login_required
from ...core import audit
from ...core.clock import now
from ...core.db import get_session, write_transaction
from ...core.errors import refuse
from ...core.fichiers import pdf_attachment, safe_filename
from ...core.pdfcheck import PdfRefused, read_limited, screen_pdf
from ...core.security import form_view
from ..bareme import situations_de, situations_du_bareme
from ..ecriture import verrouiller
from ..forms import CorrectionForm, SituationForm
from ..garde import garde_saisie
from ..loaders import campagne_or_404, load_correction, load_demande, site_or_404
from ..models import CorrectionBareme, Demande, Situation
from ..rules.bareme import DEFINITIF, PROVISIONNEL, elements_du_bareme, etat_bareme
from . import bp
from .page import refus_sur_la_demande

CORRECTION_MAX = 2000  # characters of a correction request
PIECE_MAX_KO = 300
MSG_CORRECTION_A_VENIR = f"La demande de correction du barème n'est pas encore ouverte{NBSP}: elle le sera {{fenetre}}."
MSG_CORRECTION_CLOSE = (f"Le barème est définitif{NBSP}: les demandes de correction étaient ouvertes {{fenetre}}. "
                        "Pour toute question, écrivez à votre gestionnaire depuis Votre courrier.")
MSG_SANS_PHASE = f"Cette campagne n'affiche pas de barème{NBSP}: aucune demande de correction ne peut y être faite."
MSG_ELEMENT = f"Choisissez dans la liste l'élément du barème que vous contestez{NBSP}: celui-ci n'en fait pas partie."
MSG_TEXTE_VIDE = f"Expliquez pourquoi cet élément vous paraît faux{NBSP}: le texte de la demande est vide."
MSG_TEXTE_LONG = (f"Votre demande compte {{n}} caractères{NBSP}; le maximum est {CORRECTION_MAX}{NBSP}: "
                  "raccourcissez-la.")
MSG_LIEU = f"Choisissez dans la liste{NBSP}: « {{valeur}} » n'en fait pas partie."


def garde_correction(campaign) -> None:
    """403 with the phase's dates outside the phase « bareme »."""
    phase = campaign.phase("bareme")
    if phase is None:
        refuse(403, MSG_SANS_PHASE)
    etat = etat_bareme(campaign, now())
    if etat == PROVISIONNEL:
        refuse(403, MSG_CORRECTION_A_VENIR.format(fenetre=window_fr(phase.start, phase.end)))
    if etat == DEFINITIF:
        refuse(403, MSG_CORRECTION_CLOSE.format(fenetre=window_fr(phase.start, phase.end)))


@bp.post("/demandes/<int:demande_id>/situation")
@login_required
@form_view
def declarer_situation(demande_id: int):
    """The situations the campaign's barème matches vœux against (the spouse's département…)."""
    demande = load_demande(demande_id)
    campaign = campagne_or_404(demande.campagne)
    garde_saisie(campaign)
    form = SituationForm()
    if not form.validate():
        refus_sur_la_demande(demande_id, form.csrf_token.errors[0] if form.csrf_failed else MSG_ELEMENT)
    ref = site_or_404().referentiel
    values: dict[str, str] = {}
    for key, _label, kind in situations_du_bareme(campaign):
        value = "".join(c for c in request.form.get(key, "") if c.isprintable()).strip()[:20]
        known = ref.departements if kind == "departement" else ref.academies
        if value and value not in known:
            refus_sur_la_demande(demande_id, MSG_LIEU.format(valeur=value))
        values[key] = value
    session = get_session()
    before = situations_de(session, demande_id)
    after = {k: v for k, v in values.items() if v}
    if after == before:
        flash(f"Aucune modification{NBSP}: votre situation déclarée est inchangée.", "info")
        return redirect(url_for("mobilite.demande", demande_id=demande_id) + "#bareme")
    with write_transaction(session):
        verrouiller(session, demande_id)
        rows = {s.cle: s for s in session.scalars(select(Situation).where(Situation.demande_id == demande_id))}
        for key, value in values.items():
            row = rows.get(key)
            if not value and row is not None:
                session.delete(row)
            elif value and row is None:
                session.add(Situation(demande_id=demande_id, cle=key, valeur=value, updated_at=now()))
            elif value and row.valeur != value:
                row.valeur, row.updated_at = value, now()
        audit.record(session, actor_id=g.account.id, action="mobilite.situation", target=f"demande:{demande_id}",
                     before=before, after=after)
    flash(f"Votre situation est enregistrée{NBSP}: le barème de chaque vœu en tient compte.", "success")
    return redirect(url_for("mobilite.demande", demande_id=demande_id) + "#bareme")


@bp.post("/demandes/<int:demande_id>/corrections")
@login_required
@form_view
def demander_correction(demande_id: int):
    """« Demander une correction »: which element, why (≤ 2,000 characters), one optional PDF."""
    demande = load_demande(demande_id)
    campaign = campagne_or_404(demande.campagne)
    garde_correction(campaign)
    form = CorrectionForm()
    if not form.validate():
        refus_sur_la_demande(demande_id, form.csrf_token.errors[0] if form.csrf_failed else
               next(iter(e for errors in form.errors.values() for e in errors), MSG_ELEMENT))
    from ..bareme import dossier_de

    agent = g.agent
    codes = {r.code for r in elements_du_bareme(campaign.bareme, dossier_de(agent))}
    element = form.element.data or ""
    if element not in codes:
        refus_sur_la_demande(demande_id, MSG_ELEMENT)
    texte = (form.texte.data or "").strip()
    if not texte:
        refus_sur_la_demande(demande_id, MSG_TEXTE_VIDE)
    if len(texte) > CORRECTION_MAX:
        refus_sur_la_demande(demande_id, MSG_TEXTE_LONG.format(n=len(texte)))
    upload = request.files.get("fichier")
    data, report, filename = None, None, ""
    if upload is not None and upload.filename:
        try:
            data = read_limited(upload.stream, PIECE_MAX_KO * 1024)
            report = screen_pdf(data, max_bytes=PIECE_MAX_KO * 1024)
        except PdfRefused as exc:
            refus_sur_la_demande(demande_id, exc.message, 413 if exc.code == "too_big" else 400)
        filename = safe_filename(upload.filename)
    session = get_session()
    with write_transaction(session):
        _revision(session, demande_id)
        correction = CorrectionBareme(
            demande_id=demande_id, element=element, texte=texte, etat="envoyee", reponse="", created_at=now(),
            piece_filename=filename, piece_size=report.size if report else 0, piece_pages=report.pages if report else 0,
            piece_sha256=report.sha256 if report else "", piece_data=data)
        session.add(correction)
        session.flush()
        audit.record(session, actor_id=g.account.id, action="mobilite.bareme.correction",
                     target=f"demande:{demande_id}", after=correction.snapshot())
    flash("Votre demande de correction est envoyée à votre gestionnaire ; sa réponse arrivera dans Votre courrier.",
          "success")
    return redirect(url_for("mobilite.demande", demande_id=demande_id) + "#corrections")


def _revision(session, demande_id: int) -> None:
    """The demande's page changes (its cached copy is stale), its « dernière modification » does not."""
    session.execute(update(Demande).where(Demande.id == demande_id).values(revision=Demande.revision + 1)
                    .execution_options(synchronize_session=False))


@bp.get("/corrections/<int:correction_id>/piece")
@login_required
def piece_correction(correction_id: int):
    """The PDF joined to a correction request: its author's, or any for a gestionnaire."""
    correction = load_correction(correction_id)
    if correction.piece_data is None:
        abort(404)
    return pdf_attachment(correction.piece_data, correction.piece_filename)


@bp.app_context_processor
def _fenetre() -> dict:
    """fenetre_fr(phase): « du … à … au … à … », for the barème's notices (teacher and gestionnaire pages)."""
    return {"fenetre_fr": lambda phase: window_fr(phase.start, phase.end) if phase is not None else ""}
