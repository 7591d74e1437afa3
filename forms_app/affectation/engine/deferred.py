"""The reference algorithm: deferred acceptance with initial assignments (DA*)."""
from __future__ import annotations

from collections import deque
from heapq import heappush, heapreplace

from .expand import ZoneOrder
from .model import Affectation, Candidat, Mouvement, Resultat, require_valid
from .prepared import Prepared, prepare_mouvement

ALGORITHME = "DA*"


def run_deferred_acceptance(mouvement: Mouvement, *, zone_order: ZoneOrder | None = None) -> Affectation:
    """Allocate by DA*: candidates propose down their vœux, each poste keeps its best barèmes.

    A tenured candidate's own poste is her last choice (or sits where one of her vœux names it) and
    she has top priority on it, so she never ends worse than her poste; while she tries her vœux her
    seat is open to the others (the chains). Entrants without a poste stay `sans_poste`: the extension
    is a separate step.
    """
    require_valid(mouvement)
    prepared = prepare_mouvement(mouvement, zone_order)
    held_at, voeu_of = propose(prepared)
    return to_affectation(prepared, held_at, voeu_of)


def propose(prepared: Prepared) -> tuple[list[int], list[int]]:
    """Run the proposals; return each candidate's poste position (-1: none) and vœu index held.

    The vœu index equals the number of vœux when a holder falls back on her own poste.
    """
    priorities = prepared.priorities
    voeu_keys, own_keys, by_rank = priorities.voeu_keys, priorities.own_keys, priorities.by_tie_rank
    voeu_postes, own, capacity = prepared.voeu_postes, prepared.own, prepared.capacity
    n = len(voeu_keys)
    last = n - 1
    held: list[list[int]] = [[] for _ in capacity]  # per poste: min-heap of packed keys, worst on top
    held_at = [-1] * n
    voeu_of = [0] * n
    next_poste = [0] * n
    waiting = list(range(n - 1, -1, -1))
    while waiting:
        c = waiting.pop()
        zones, keys, mine = voeu_postes[c], voeu_keys[c], own[c]
        vi, pi = voeu_of[c], next_poste[c]
        placed = -1
        while vi < len(zones):
            zone, key = zones[vi], keys[vi]
            while pi < len(zone):
                p = zone[pi]
                pi += 1
                if p == mine:
                    key = own_keys[c]
                heap = held[p]
                if len(heap) < capacity[p]:
                    heappush(heap, key)
                    placed = p
                    break
                if key > heap[0]:
                    loser = by_rank[last - heapreplace(heap, key) % n]
                    held_at[loser] = -1
                    waiting.append(loser)
                    placed = p
                    break
            if placed >= 0:
                break
            vi += 1
            pi = 0
        if placed < 0 and mine >= 0:
            # Back home: the own-poste key beats every vœu key, and at most capacity holders share it.
            heap = held[mine]
            if len(heap) < capacity[mine]:
                heappush(heap, own_keys[c])
            else:
                loser = by_rank[last - heapreplace(heap, own_keys[c]) % n]
                held_at[loser] = -1
                waiting.append(loser)
            placed = mine
        held_at[c] = placed
        voeu_of[c] = vi
        next_poste[c] = pi
    return held_at, voeu_of


def to_affectation(prepared: Prepared, held_at: list[int], voeu_of: list[int]) -> Affectation:
    """Turn positions back into ids and say how each poste was obtained."""
    postes = prepared.mouvement.postes
    resultats = []
    for c, candidat in enumerate(prepared.mouvement.candidats):
        poste_id = postes[held_at[c]].id if held_at[c] >= 0 else None
        resultats.append(result_of(candidat, poste_id, voeu_of[c], held_at[c] == prepared.own[c]))
    return Affectation(ALGORITHME, tuple(resultats))


def result_of(candidat: Candidat, poste_id: str | None, vi: int, at_home: bool) -> Resultat:
    """Describe one candidate's outcome from the poste she holds and the vœu index she holds it by."""
    if poste_id is None:
        return Resultat(candidat.id, None, "sans_poste")
    rang = vi + 1 if vi < len(candidat.voeux) else None
    if at_home:
        return Resultat(candidat.id, poste_id, "maintien", rang, None if rang is None else candidat.baremes[vi])
    return Resultat(candidat.id, poste_id, "voeu", rang, candidat.baremes[vi])


def run_deferred_acceptance_plain(
    mouvement: Mouvement, *, zone_order: ZoneOrder | None = None
) -> Affectation:
    """Allocate by DA* the obvious way (tuples, lists re-sorted), to check `run_deferred_acceptance`."""
    require_valid(mouvement)
    prepared = prepare_mouvement(mouvement, zone_order)
    candidats = mouvement.candidats
    contracts: list[list[tuple[int, int]]] = []
    for c, candidat in enumerate(candidats):
        listed = [(p, vi) for vi, zone in enumerate(prepared.voeu_postes[c]) for p in zone]
        if prepared.own[c] >= 0:
            listed.append((prepared.own[c], len(candidat.voeux)))
        contracts.append(listed)

    def priority(c: int, p: int, vi: int) -> tuple[object, ...]:
        """Sort key of a claim, smallest first: own poste, then barème, then tie-break, then id."""
        candidat = candidats[c]
        if p == prepared.own[c]:
            return (0, 0.0, candidat.tie_break, candidat.id)
        return (1, -candidat.baremes[vi], candidat.tie_break, candidat.id)

    held: dict[int, list[tuple[tuple[object, ...], int, int]]] = {p: [] for p in range(len(mouvement.postes))}
    next_contract = [0] * len(candidats)
    waiting = deque(range(len(candidats)))
    while waiting:
        c = waiting.popleft()
        while next_contract[c] < len(contracts[c]):
            p, vi = contracts[c][next_contract[c]]
            next_contract[c] += 1
            held[p].append((priority(c, p, vi), c, vi))
            held[p].sort()
            if len(held[p]) <= prepared.capacity[p]:
                break
            _, loser, _ = held[p].pop()
            if loser != c:
                waiting.append(loser)
                break
    held_at = [-1] * len(candidats)
    voeu_of = [0] * len(candidats)
    for p, claims in held.items():
        for _, c, vi in claims:
            held_at[c], voeu_of[c] = p, vi
    return to_affectation(prepared, held_at, voeu_of)
