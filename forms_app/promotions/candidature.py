"""The classe exceptionnelle's first vivier: the teacher applies by declaring the functions and years that
make her eligible, within the candidature window, with justificatifs (PDF, screened like the pièces jointes)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import delete, select

from ..comptes.access import login_required
from ..core import audit
from ..core.clock import now
from ..core.content import current_site
from ..core.db import get_session, write_transaction
from ..courrier.pieces import CONSIGNE, PiecesRefusees, lire_pieces
from .echelons import Position, position_au
from .lecture import situation
from .loaders import campagne_promotion
from .models import Candidature, PieceCandidature
from .rules import vivier_ok

MSG_FONCTIONS = "Cochez au moins une des fonctions exercées."
MSG_ANNEES = "Indiquez le nombre d'années d'exercice de ces fonctions\u00a0: {n}\u00a0au moins (un nombre entier)."
MSG_JUSTIFICATIF = "Joignez le justificatif des fonctions exercées (PDF)."
MSG_PRECISIONS = "Les précisions font au plus 1\u202f000\u00a0caractères."
MSG_FERMEE = "Les candidatures ne sont pas ouvertes\u00a0: rien n'a été enregistré."
MSG_NON_RECEVABLE = ("Votre situation ne permet pas de candidater à ce vivier\u00a0: {echelon}e\u00a0échelon du grade "
                     "{grade} au moins.")


def _vivier(regles):
    return next((v for v in regles.viviers if v.candidature), None)


@login_required
def candidature_view(slug: str):
    """GET: the form, or the candidature already filed; POST: file or replace it (during the window only)."""
    campaign, regles = campagne_promotion(slug)
    agent = g.agent
    vivier = _vivier(regles)
    if agent is None or vivier is None:
        abort(404)
    db = get_session()
    phase = campaign.phase("candidature")
    ouverte = phase is not None and phase.is_open_at(now())
    position = None
    if agent.echelon_depuis is not None:
        s = situation(agent)
        position = position_au(current_site().referentiel.echelons, s.corps, s.grade,
                               Position(s.echelon, s.echelon_depuis), regles.date_reference)
    recevable = (position is not None and agent.grade.casefold().strip() == regles.grade_origine.casefold()
                 and vivier_ok(vivier, position, regles.date_reference))
    existing = db.scalar(select(Candidature).where(Candidature.campagne == campaign.slug,
                                                   Candidature.agent_id == agent.id))
    pieces = db.scalars(select(PieceCandidature).where(PieceCandidature.candidature_id == existing.id)).all() \
        if existing else []
    errors: dict[str, str] = {}
    status = 200
    values = {"fonctions": existing.fonctions.split(",") if existing else [],
              "annees": str(existing.annees) if existing else "", "precisions": existing.precisions if existing else ""}
    if request.method == "POST":
        if not ouverte:
            errors["form"] = MSG_FERMEE
            status = 409
        elif not recevable:
            errors["form"] = MSG_NON_RECEVABLE.format(echelon=vivier.echelon_min, grade=regles.grade_origine)
            status = 409
        else:
            codes = {f.code for f in vivier.fonctions}
            chosen = [c for c in request.form.getlist("fonctions") if c in codes]
            values = {"fonctions": chosen, "annees": request.form.get("annees", "").strip(),
                      "precisions": request.form.get("precisions", "")}
            if not chosen or len(chosen) != len(request.form.getlist("fonctions")):
                errors["fonctions"] = MSG_FONCTIONS
            text = values["annees"]
            if not (text.isascii() and text.isdigit() and vivier.annees_fonctions <= int(text) <= 60):
                errors["annees"] = MSG_ANNEES.format(n=vivier.annees_fonctions)
            if len(values["precisions"]) > 1000:
                errors["precisions"] = MSG_PRECISIONS
            try:
                uploads = lire_pieces(request.files.getlist("justificatifs"))
            except PiecesRefusees as exc:
                uploads = []
                errors["justificatifs"] = exc.message
                status = exc.status
            required = any(p.required for p in campaign.pieces)
            if not uploads and not pieces and required and "justificatifs" not in errors:
                errors["justificatifs"] = MSG_JUSTIFICATIF
            if errors:
                status = status if status != 200 else 400
            else:
                moment = now()
                with write_transaction(db):
                    before = {"fonctions": existing.fonctions, "annees": existing.annees} if existing else None
                    if existing is None:
                        existing = Candidature(campagne=campaign.slug, agent_id=agent.id, vivier=vivier.code,
                                               fonctions="", annees=0, precisions="", created_at=moment,
                                               updated_at=moment)
                        db.add(existing)
                    existing.fonctions, existing.annees = ",".join(chosen), int(text)
                    existing.precisions, existing.updated_at = values["precisions"], moment
                    db.flush()
                    if uploads:
                        db.execute(delete(PieceCandidature).where(PieceCandidature.candidature_id == existing.id))
                        db.add_all(PieceCandidature(candidature_id=existing.id, filename=p.filename,
                                                    size=p.report.size, pages=p.report.pages,
                                                    sha256=p.report.sha256, data=p.data, created_at=moment)
                                   for p in uploads)
                    audit.record(db, actor_id=g.account.id, action="promotion.candidature",
                                 target=f"campagne:{campaign.slug}", before=before,
                                 after={"fonctions": existing.fonctions, "annees": existing.annees,
                                        "pieces": [p.report.sha256 for p in uploads]})
                flash("Candidature enregistrée.")
                return redirect(url_for("promotions.candidature", slug=slug))
    return render_template("app/promotions/candidature.html", campaign=campaign, regles=regles, vivier=vivier,
                           phase=phase, ouverte=ouverte, recevable=recevable, existing=existing, pieces=pieces,
                           values=values, errors=errors, consigne=CONSIGNE), status
