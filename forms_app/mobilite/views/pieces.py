"""Pièces jointes: upload a screened PDF of a kind the campaign accepts, replace, delete, download."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from sqlalchemy import select

from generator.frdates import NBSP

from ...comptes.access import login_required
from ...core import audit
from ...core.clock import now
from ...core.db import get_session, write_transaction
from ...core.fichiers import pdf_attachment, safe_filename
from ...core.pdfcheck import PdfRefused, read_limited, screen_pdf
from ...core.security import form_view
from ..ecriture import verrouiller
from ..forms import ButtonForm, PieceForm
from ..garde import garde_saisie
from ..loaders import campagne_or_404, load_demande, load_piece
from ..models import PieceJointe
from . import bp
from .page import refus_sur_la_demande

MSG_KIND = f"Ce type de pièce n'est pas demandé par cette campagne{NBSP}: choisissez-en un dans la liste."
MSG_AUCUN_FICHIER = f"Aucun fichier sélectionné{NBSP}: choisissez le document PDF à joindre."


@bp.post("/demandes/<int:demande_id>/pieces")
@login_required
@form_view
def deposer(demande_id: int):
    """Attach (or replace) the PDF of one kind, after screening it."""
    demande = load_demande(demande_id)
    campaign = campagne_or_404(demande.campagne)
    garde_saisie(campaign)
    form = PieceForm()
    if not form.validate():
        refus_sur_la_demande(demande_id, form.csrf_token.errors[0] if form.csrf_failed else MSG_KIND)
    piece_type = next((t for t in campaign.pieces if t.code == form.kind.data), None)
    if piece_type is None:
        refus_sur_la_demande(demande_id, MSG_KIND)
    upload = request.files.get("fichier")
    if upload is None or not upload.filename:
        refus_sur_la_demande(demande_id, MSG_AUCUN_FICHIER)
    max_bytes = piece_type.max_size_ko * 1024
    try:
        data = read_limited(upload.stream, max_bytes)
        report = screen_pdf(data, max_bytes=max_bytes, filename=upload.filename)
    except PdfRefused as exc:
        refus_sur_la_demande(demande_id, exc.message, 413 if exc.code == "too_big" else 400)
    session = get_session()
    with write_transaction(session):
        verrouiller(session, demande_id)
        old = session.scalar(select(PieceJointe).where(
            PieceJointe.demande_id == demande_id, PieceJointe.kind == piece_type.code))
        before = old.snapshot() if old else None
        if old is not None:
            session.delete(old)
            session.flush()
        piece = PieceJointe(demande_id=demande_id, kind=piece_type.code, filename=safe_filename(upload.filename),
                            content_type="application/pdf", size=report.size, pages=report.pages,
                            sha256=report.sha256, data=data, created_at=now())
        session.add(piece)
        session.flush()
        audit.record(session, actor_id=g.account.id,
                     action="mobilite.piece." + ("remplacement" if before else "depot"),
                     target=f"demande:{demande_id}", before=before, after=piece.snapshot())
    flash("La pièce jointe est enregistrée." if before is None else "La pièce jointe a été remplacée.", "success")
    return redirect(url_for("mobilite.demande", demande_id=demande_id) + "#pieces")


@bp.post("/pieces/<int:piece_id>/supprimer")
@login_required
def supprimer_piece(piece_id: int):
    piece = load_piece(piece_id)
    demande = load_demande(piece.demande_id)
    garde_saisie(campagne_or_404(demande.campagne))
    if not ButtonForm().validate():
        abort(400)
    session = get_session()
    with write_transaction(session):
        verrouiller(session, demande.id)
        piece = session.get(PieceJointe, piece_id)
        if piece is not None:
            before = piece.snapshot()
            session.delete(piece)
            audit.record(session, actor_id=g.account.id, action="mobilite.piece.suppression",
                         target=f"demande:{demande.id}", before=before)
    flash("La pièce jointe a été supprimée.", "success")
    return redirect(url_for("mobilite.demande", demande_id=demande.id) + "#pieces")


@bp.get("/pieces/<int:piece_id>")
@login_required
def telecharger(piece_id: int):
    """The PDF, as an attachment that no browser will render in the app's origin."""
    piece = load_piece(piece_id)
    return pdf_attachment(piece.data, piece.filename)
