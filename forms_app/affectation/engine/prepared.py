"""A mouvement turned into integer ids and packed priorities, shared by the algorithms."""
from __future__ import annotations

from dataclasses import dataclass

from .expand import ZoneIndex, ZoneOrder
from .model import Candidat, Mouvement


@dataclass(frozen=True, slots=True)
class Priorities:
    """Every priority of the run as one int: larger is preferred (see `pack_priorities`)."""

    voeu_keys: tuple[tuple[int, ...], ...]
    base_keys: tuple[int, ...]
    own_keys: tuple[int, ...]
    by_tie_rank: tuple[int, ...]

    def candidate_of(self, key: int) -> int:
        """Return the candidate position a packed key belongs to."""
        n = len(self.by_tie_rank)
        return self.by_tie_rank[n - 1 - key % n]


def tie_ranks(candidats: tuple[Candidat, ...]) -> list[int]:
    """Return each candidate's rank in the tie-break order (0 = preferred): tie key, then id."""
    order = sorted(range(len(candidats)), key=lambda i: (candidats[i].tie_break, candidats[i].id))
    ranks = [0] * len(candidats)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


def pack_priorities(candidats: tuple[Candidat, ...]) -> Priorities:
    """Pack (barème, tie-break rank) into one int per claim, so that posts compare ints, not tuples.

    key = index of the barème among all distinct barèmes × n + (n − 1 − tie rank): a higher barème wins,
    then the better tie rank; the key is unique per candidate, so it also names her. A holder's claim
    on her own poste sits above every barème. This is the engine's one speed trick: the plain path
    (`deferred.run_deferred_acceptance_plain`) compares tuples instead, and tests hold both equal.
    """
    n = len(candidats)
    values = sorted({b for c in candidats for b in (*c.baremes, c.bareme_base)})
    level = {b: i for i, b in enumerate(values)}
    top = len(values)
    ranks = tie_ranks(candidats)
    voeu_keys = []
    base_keys = []
    own_keys = []
    for c, rank in zip(candidats, ranks):
        low = n - 1 - rank
        voeu_keys.append(tuple(level[b] * n + low for b in c.baremes))
        base_keys.append(level[c.bareme_base] * n + low)
        own_keys.append(top * n + low)
    by_tie_rank = [0] * n
    for i, rank in enumerate(ranks):
        by_tie_rank[rank] = i
    return Priorities(tuple(voeu_keys), tuple(base_keys), tuple(own_keys), tuple(by_tie_rank))


@dataclass(frozen=True, slots=True)
class Prepared:
    """Positions instead of ids: postes and candidates are numbered in input order."""

    mouvement: Mouvement
    index: ZoneIndex
    capacity: tuple[int, ...]
    own: tuple[int, ...]
    """Position of each candidate's current poste, -1 for none."""
    voeu_postes: tuple[tuple[tuple[int, ...], ...], ...]
    """Per candidate, per vœu: the positions of the postes it stands for, in zone order (shared tuples)."""
    priorities: Priorities


def prepare_mouvement(mouvement: Mouvement, zone_order: ZoneOrder | None = None) -> Prepared:
    """Number postes and candidates, expand every vœu once and pack the priorities."""
    index = ZoneIndex(mouvement.postes, zone_order)
    position = index.position
    own = tuple(-1 if c.poste_actuel is None else position[c.poste_actuel] for c in mouvement.candidats)
    voeu_postes = tuple(
        tuple(index.indices(c.discipline, v) for v in c.voeux) for c in mouvement.candidats
    )
    return Prepared(
        mouvement=mouvement,
        index=index,
        capacity=tuple(p.capacity for p in mouvement.postes),
        own=own,
        voeu_postes=voeu_postes,
        priorities=pack_priorities(mouvement.candidats),
    )
