"""The saisie window as the mobilité views check it: open now, or refuse the write with its reason."""
from __future__ import annotations

from generator.model import Campaign

from ..core.clock import now
from ..core.errors import refuse
from .rules import fenetre


def saisie_ouverte(campaign: Campaign) -> bool:
    return fenetre.refus(campaign.saisie, now()) is None


def garde_saisie(campaign: Campaign) -> None:
    """403 with the window when a write comes outside the saisie."""
    try:
        fenetre.verifier_saisie(campaign, now())
    except fenetre.FenetreFermee as exc:
        refuse(403, exc.message)
