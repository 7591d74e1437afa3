"""The mobilité blueprint: services page, demandes, lettres de motivation, pièces jointes, vœux, récapitulatif."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mobilite", __name__, url_prefix="/mobilite")

from . import bareme, demandes, lettres, pieces, recap, services, voeux  # noqa: E402,F401  (routes)


@bp.context_processor
def _helpers() -> dict:
    """fermee_message(campaign): why writes are refused now ("" while saisie is open); phrase_types(campaign):
    the vœux a campaign accepts, in one sentence; libelle_type_etab(code): a restriction's label."""
    from ...core.clock import now
    from ..rules.bareme import points_fr
    from ..rules.fenetre import refus
    from ..rules.voeux import libelle_type_etab, phrase_types

    return {"fermee_message": lambda campaign: refus(campaign.saisie, now()) or "", "points_fr": points_fr,
            "phrase_types": phrase_types, "libelle_type_etab": libelle_type_etab}


@bp.app_template_filter("date_paris")
def _date_paris(value) -> str:
    """A stored (UTC) instant as Paris time: "20/11/2026 à 10:00"."""
    from generator.model import PARIS

    return value.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M") if value is not None else ""


@bp.app_template_filter("lien")
def _lien(href: str) -> str:
    """A link a campaign file writes (a site path, a file, a URL), as the browser follows it from the app."""
    from generator.model import link_url

    from ...core.content import site_config

    config = site_config()
    return link_url(href, config.base_path, config.app_url)


@bp.errorhandler(413)
def _trop_volumineux(_error):
    """A body over the app's cap is refused before the view reads it: on a demande's page, say the limit of
    its pièces jointes and show the demande again, rather than a generic page that leads home."""
    from flask import request

    from generator.frdates import NBSP

    from ...core.errors import render_error
    from ...core.pdfcheck import taille
    from ..loaders import campagne_or_404, load_demande
    from .page import demande_page

    demande_id = (request.view_args or {}).get("demande_id")
    if not isinstance(demande_id, int):
        return render_error(413)
    campaign = campagne_or_404(load_demande(demande_id).campagne)
    plafond = max((t.max_size_ko for t in campaign.pieces), default=300) * 1024
    message = (f"Le fichier envoyé est trop volumineux{NBSP}: une pièce jointe fait au plus {taille(plafond)}. "
               f"Réduisez-le (par exemple en l'enregistrant en PDF «{NBSP}taille réduite{NBSP}») puis joignez-le "
               "de nouveau.")
    return demande_page(demande_id, status=413, erreur=message)
