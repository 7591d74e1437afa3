"""Geographic vœux: which postes a vœu stands for, in the campaign's order inside a zone."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .model import Poste, Voeu

ZoneOrder = Callable[[Poste], Any]
"""A sort key on postes: the campaign's rule for which poste of a zone is tried first."""

IndexKey = tuple[str, str, str, str | None]
"""(discipline, vœu type, code, type d'établissement or None)."""


def by_poste_id(poste: Poste) -> str:
    """Order a zone's postes by poste id (the default: deterministic, no campaign rule needed)."""
    return poste.id


def by_uai(poste: Poste) -> tuple[str, str]:
    """Order a zone's postes by UAI, then poste id."""
    return (poste.uai or "", poste.id)


def zone_codes(poste: Poste) -> list[tuple[str, str]]:
    """Return every (vœu type, code) whose zone holds this poste."""
    if poste.zone_remplacement:
        pairs = [("ZRE", poste.uai), ("ZRD", poste.departement), ("ZRA", poste.academie)]
    else:
        pairs = [("ETB", poste.uai), ("COM", poste.commune)]
        pairs += [("GEO", g) for g in poste.groupements]
        pairs += [("DPT", poste.departement), ("ACA", poste.academie)]
    return [(type_, code) for type_, code in pairs if code is not None]


class ZoneIndex:
    """Postes by (discipline, zone, type d'établissement), each zone's postes in the campaign's order."""

    def __init__(self, postes: Sequence[Poste], zone_order: ZoneOrder | None = None) -> None:
        order = zone_order or by_poste_id
        self.postes = tuple(postes)
        self.position = {p.id: i for i, p in enumerate(self.postes)}
        lists: dict[IndexKey, list[int]] = {}
        for i, poste in enumerate(self.postes):
            for type_, code in zone_codes(poste):
                lists.setdefault((poste.discipline, type_, code, None), []).append(i)
                for restriction in poste.restrictions or (poste.etablissement_type,):
                    if restriction is not None:
                        lists.setdefault((poste.discipline, type_, code, restriction), []).append(i)
        # The id tie-break keeps the order total whatever key the campaign gives.
        self._zones: dict[IndexKey, tuple[int, ...]] = {
            key: tuple(sorted(found, key=lambda i: (order(self.postes[i]), self.postes[i].id)))
            for key, found in lists.items()
        }

    def indices(self, discipline: str, voeu: Voeu) -> tuple[int, ...]:
        """Return the positions (in `postes`) of the postes a vœu stands for, in zone order."""
        return self._zones.get((discipline, voeu.type, voeu.code, voeu.etablissement_type), ())

    def zone_indices(self, discipline: str, type_: str, code: str) -> tuple[int, ...]:
        """Return the positions of every poste of a discipline in a zone, of any type d'établissement."""
        return self._zones.get((discipline, type_, code, None), ())


def expand_voeu(index: ZoneIndex, discipline: str, voeu: Voeu) -> tuple[str, ...]:
    """Return the ids of the postes a vœu stands for, in the order they are tried."""
    return tuple(index.postes[i].id for i in index.indices(discipline, voeu))


def build_zone_index(postes: Iterable[Poste], zone_order: ZoneOrder | None = None) -> ZoneIndex:
    """Index postes by zone once, for many expansions."""
    return ZoneIndex(tuple(postes), zone_order)
