"""The whole run a gestionnaire simulates: an algorithm, then the extension."""
from __future__ import annotations

from typing import Literal

from .deferred import run_deferred_acceptance
from .exchange import run_exchange_cycles
from .expand import ZoneOrder
from .extension import ExtensionTable, run_extension
from .model import Affectation, Mouvement

Algorithme = Literal["DA*", "echanges"]


def allocate(
    mouvement: Mouvement,
    *,
    algorithme: Algorithme = "DA*",
    extension: ExtensionTable | None = None,
    zone_order: ZoneOrder | None = None,
) -> Affectation:
    """Run DA* (then the exchange cycles when asked), then the extension when a table is given."""
    affectation = run_deferred_acceptance(mouvement, zone_order=zone_order)
    if algorithme == "echanges":
        affectation = run_exchange_cycles(mouvement, affectation, zone_order=zone_order)
    elif algorithme != "DA*":
        raise ValueError(f"algorithme inconnu : {algorithme}")
    if extension is not None:
        affectation = run_extension(mouvement, affectation, extension, zone_order=zone_order)
    return affectation
