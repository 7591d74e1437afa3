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
