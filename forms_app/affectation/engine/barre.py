"""Barres: the lowest barème admitted on the postes of a vœu, per discipline."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .expand import ZoneIndex, ZoneOrder
from .model import Affectation, Mouvement, Voeu

BarreKey = tuple[str, Voeu]
"""(discipline, vœu): a zone, with its type d'établissement restriction, for one discipline."""


@dataclass(frozen=True, slots=True)
class Barre:
    """The barre of one vœu: None when no candidate was admitted on its postes (« aucune place libérée »)."""

    discipline: str
    voeu: Voeu
    barre: float | None
    admis: int


def lowest_admitted(mouvement: Mouvement, affectation: Affectation) -> dict[str, tuple[float, int]]:
    """Return poste id → (lowest barème admitted by a vœu, number admitted by a vœu)."""
    found: dict[str, tuple[float, int]] = {}
    for resultat in affectation.resultats:
        if resultat.obtention != "voeu" or resultat.poste_id is None or resultat.bareme is None:
            continue
        low, count = found.get(resultat.poste_id, (resultat.bareme, 0))
        found[resultat.poste_id] = (min(low, resultat.bareme), count + 1)
    return found


def compute_barres(
    mouvement: Mouvement,
    affectation: Affectation,
    *,
    keys: Iterable[BarreKey] | None = None,
    zone_order: ZoneOrder | None = None,
) -> dict[BarreKey, Barre]:
    """Return the barre of each (discipline, vœu), by default of every vœu some candidate made.

    Admissions count whatever vœu brought the candidate there, at her barème on that vœu; holders who
    kept their poste and extension placements are not admissions.
    """
    index = ZoneIndex(mouvement.postes, zone_order)
    admitted = lowest_admitted(mouvement, affectation)
    if keys is None:
        keys = dict.fromkeys((c.discipline, v) for c in mouvement.candidats for v in c.voeux)
    barres: dict[BarreKey, Barre] = {}
    for discipline, voeu in keys:
        low: float | None = None
        count = 0
        for i in index.indices(discipline, voeu):
            if (seen := admitted.get(index.postes[i].id)) is not None:
                low = seen[0] if low is None else min(low, seen[0])
                count += seen[1]
        barres[(discipline, voeu)] = Barre(discipline, voeu, low, count)
    return barres
