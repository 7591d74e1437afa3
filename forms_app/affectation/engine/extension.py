"""The extension: entrants who obtained none of their vœux are placed by walking the campaign's table."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from .expand import ZoneIndex, ZoneOrder
from .model import Affectation, Mouvement, Resultat, ZoneKey, require_valid

ExtensionTable = Mapping[ZoneKey, Sequence[ZoneKey]]
"""For each starting zone (the zone of vœu 1), the zones to try in order, e.g.
{("ACA", "06"): [("ACA", "06"), ("ACA", "07"), ("ACA", "01")]}; the caller fills it from campaign data."""


def run_extension(
    mouvement: Mouvement,
    affectation: Affectation,
    table: ExtensionTable,
    *,
    zone_order: ZoneOrder | None = None,
) -> Affectation:
    """Place each candidate who must be placed and holds nothing, in barème order, on a free seat.

    The barème is `bareme_base` (no vœu-specific bonus), ties broken like the postes do; each candidate
    walks `table[zone of her vœu 1]` and takes the first poste of her discipline with a free seat, in
    zone order. One whose vœu 1 zone is not in the table, or who finds no seat, stays `sans_poste`.
    """
    require_valid(mouvement)
    index = ZoneIndex(mouvement.postes, zone_order)
    free = [p.capacity for p in mouvement.postes]
    for resultat in affectation.resultats:
        if resultat.poste_id is not None:
            free[index.position[resultat.poste_id]] -= 1
    placed: dict[str, Resultat] = {}
    waiting = [
        c for c in mouvement.candidats
        if c.must_be_placed and c.voeux and affectation.of(c.id).poste_id is None
    ]
    waiting.sort(key=lambda c: (-c.bareme_base, c.tie_break, c.id))
    for candidat in waiting:
        for type_, code in table.get(candidat.voeux[0].zone, ()):
            seat = next((i for i in index.zone_indices(candidat.discipline, type_, code) if free[i] > 0), -1)
            if seat >= 0:
                free[seat] -= 1
                placed[candidat.id] = Resultat(
                    candidat.id, mouvement.postes[seat].id, "extension", None, candidat.bareme_base
                )
                break
    return Affectation(
        affectation.algorithme, tuple(placed.get(r.candidat_id, r) for r in affectation.resultats)
    )
