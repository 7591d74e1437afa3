"""The confirmation de demande as a document: one HTML template, shown in the browser (and printable
from it) and turned into a PDF by WeasyPrint."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from sqlalchemy.orm import Session

from generator.model import PARIS, VOEU_TYPES, Campaign

from ..core.config import REPO_ROOT
from ..core.pdf import html_to_pdf
from ..dossier.models import Agent
from ..mobilite.models import Demande

CSS = REPO_ROOT / "templates" / "assets" / "app" / "confirmation.css"


def anciennete(depuis: date | None, le: date) -> str:
    """« 5 ans et 3 mois » from depuis to le (full months)."""
    if depuis is None or depuis > le:
        return "non renseignée"
    mois = (le.year - depuis.year) * 12 + le.month - depuis.month - (le.day < depuis.day)
    ans, reste = divmod(mois, 12)
    parts = []
    if ans:
        parts.append(f"{ans} an{'s' if ans > 1 else ''}")
    if reste or not ans:
        parts.append(f"{reste} mois")
    return " et ".join(parts)


def contexte(session: Session, agent: Agent, campaign: Campaign, demande: Demande, moment: datetime,
             *, etat: str = "attente", date_limite: datetime | None = None) -> dict:
    """Everything the document shows of this demande, read now."""
    from ..core.content import current_site
    from ..mobilite.bareme import bareme_demande
    from ..mobilite.lecture import lettre_de, ligne, pieces_de, voeux_de
    from ..mobilite.rules.bareme import points_fr

    site = current_site()
    voeux = voeux_de(session, demande.id)
    bareme = None
    try:
        bareme = bareme_demande(session, campaign, agent, demande.id, voeux)
    except Exception:  # the barème is computed for the teacher's information: its absence stops nothing
        bareme = None
    totaux = {bv.voeu.rank: bv.total for bv in bareme.voeux} if bareme is not None else {}
    etab = site.referentiel.etablissements.get(agent.affectation_uai) if agent.affectation_uai else None
    lettre = lettre_de(session, demande.id)
    phase = campaign.phase("confirmation")
    return {
        "campaign": campaign, "agent": agent, "demande": demande,
        "ligne": ligne(session, demande, campaign, nb=len(voeux)), "voeux": voeux, "types": VOEU_TYPES,
        "totaux": totaux, "bareme_calcule": bareme is not None,
        "etablissement": f"{etab.nom} ({etab.uai})" if etab is not None else (agent.affectation_uai or "non renseignée"),
        "anciennete_poste": anciennete(agent.affectation_depuis, moment.astimezone(PARIS).date()),
        "lettre_enregistree_at": lettre.enregistree_at if lettre is not None else None,
        "pieces": [e for e in pieces_de(session, demande, campaign) if e.piece is not None],
        "date_limite": date_limite if date_limite is not None else (phase.end if phase else None),
        "etat": etat, "edite_le": moment, "academie": site.config.academie, "points_fr": points_fr,
    }


def html(ctx: dict, *, pour_pdf: bool) -> str:
    gabarit = "app/confirmations/_pdf.html" if pour_pdf else "app/confirmations/_page.html"
    return render_template("app/confirmations/document.html", gabarit=gabarit, pour_pdf=pour_pdf, **ctx)


@dataclass(frozen=True)
class Rapport:
    size: int
    pages: int
    sha256: str


@dataclass(frozen=True)
class PdfConfirmation:
    """The PDF, shaped like a screened upload so the courrier can attach it (courrier.pieces.PieceRecue)."""

    filename: str
    data: bytes
    report: Rapport


def pdf(ctx: dict) -> PdfConfirmation:
    """Render the document to PDF (A4, the print stylesheet)."""
    rendu = html_to_pdf(html(ctx, pour_pdf=True), [CSS])
    name = f"confirmation-demande-{ctx['demande'].id}.pdf"
    return PdfConfirmation(name, rendu.data, Rapport(len(rendu.data), rendu.pages, rendu.sha256))
