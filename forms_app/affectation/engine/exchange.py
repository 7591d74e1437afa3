"""The second algorithm: block exchanges after DA*, found as cycles (our reading of TO-BE's step).

Not TO-BE run from the initial assignment (see docs/affectation.md): the pointing rule of a block
exchange, applied to the DA* outcome.
"""
from __future__ import annotations

from .deferred import result_of
from .expand import ZoneOrder
from .model import Affectation, Mouvement, require_valid
from .prepared import Prepared, prepare_mouvement

ALGORITHME = "DA* + échanges"
NONE = -1


def run_exchange_cycles(
    mouvement: Mouvement, affectation: Affectation, *, zone_order: ZoneOrder | None = None
) -> Affectation:
    """Improve an allocation by block exchanges: groups of holders who all gain, postes that all gain.

    A holder's claim on the poste she holds is her barème on the vœu she holds it by, or her
    `bareme_base` on her own poste (DA* protected her there whatever her barème). Each round, every
    poste points to its holder with the lowest claim; every holder points to the first poste of her
    vœux, above what she holds, where her barème beats that lowest claim. Every cycle is executed (each
    holder moves to the poste she points to), and rounds repeat until there is none. So nobody ends
    worse off, each poste of a cycle trades its weakest claim for a stronger one, and no candidate who
    would rather have a poste gains a new reason to envy its holder.
    """
    require_valid(mouvement)
    prepared = prepare_mouvement(mouvement, zone_order)
    held_at, voeu_of, poste_of = positions_of(prepared, affectation)
    while True:
        moves = find_cycles(prepared, held_at, voeu_of, poste_of)
        if not moves:
            break
        for c, (p, vi, pi) in moves.items():
            held_at[c], voeu_of[c], poste_of[c] = p, vi, pi
    postes = mouvement.postes
    resultats = []
    for c, candidat in enumerate(mouvement.candidats):
        before = affectation.resultats[c]
        if held_at[c] == prepared.index.position.get(before.poste_id or "", NONE):
            resultats.append(before)
        else:
            resultats.append(result_of(candidat, postes[held_at[c]].id, voeu_of[c], False))
    return Affectation(ALGORITHME, tuple(resultats))


def positions_of(prepared: Prepared, affectation: Affectation) -> tuple[list[int], list[int], list[int]]:
    """Return, per candidate, the poste position held and where in her list it sits (vœu, poste).

    Everything strictly before (vœu index, position in the vœu) is a poste she would rather have.
    """
    position = prepared.index.position
    held_at, voeu_of, poste_of = [], [], []
    for c, candidat in enumerate(prepared.mouvement.candidats):
        resultat = affectation.of(candidat.id)
        p = NONE if resultat.poste_id is None else position[resultat.poste_id]
        held_at.append(p)
        if resultat.rang is None:
            voeu_of.append(len(candidat.voeux))
            poste_of.append(0)
        else:
            voeu_of.append(resultat.rang - 1)
            poste_of.append(prepared.voeu_postes[c][resultat.rang - 1].index(p))
    return held_at, voeu_of, poste_of


def holding_key(prepared: Prepared, c: int, held: int, vi: int) -> int:
    """Return a holder's claim on the poste she holds: barème on her vœu, or her base on her own poste."""
    priorities = prepared.priorities
    if held == prepared.own[c] or vi >= len(priorities.voeu_keys[c]):
        return priorities.base_keys[c]
    return priorities.voeu_keys[c][vi]


def find_cycles(
    prepared: Prepared, held_at: list[int], voeu_of: list[int], poste_of: list[int]
) -> dict[int, tuple[int, int, int]]:
    """Return the moves of every exchange cycle of this round: candidate → (poste, vœu index, position)."""
    n_postes = len(prepared.capacity)
    worst, worst_key = [NONE] * n_postes, [NONE] * n_postes
    for c, p in enumerate(held_at):
        if p == NONE:
            continue
        key = holding_key(prepared, c, p, voeu_of[c])
        if worst[p] == NONE or key < worst_key[p]:
            worst[p], worst_key[p] = c, key
    target: dict[int, tuple[int, int, int]] = {}
    for c, held in enumerate(held_at):
        if held == NONE:
            continue
        pointed = first_gain(prepared, c, held, voeu_of[c], poste_of[c], worst_key)
        if pointed is not None:
            target[c] = pointed
    return cycles_of(target, worst)


def first_gain(
    prepared: Prepared, c: int, held: int, last_vi: int, last_pi: int, worst_key: list[int]
) -> tuple[int, int, int] | None:
    """Return the first poste above what candidate c holds where she beats the weakest claim, or None."""
    zones = prepared.voeu_postes[c]
    keys = prepared.priorities.voeu_keys[c]
    for vi in range(min(last_vi + 1, len(zones))):
        key, zone = keys[vi], zones[vi]
        for pi, p in enumerate(zone[:last_pi] if vi == last_vi else zone):
            if key > worst_key[p] and p != held and worst_key[p] != NONE:
                return (p, vi, pi)
    return None


def cycles_of(
    target: dict[int, tuple[int, int, int]], worst: list[int]
) -> dict[int, tuple[int, int, int]]:
    """Follow candidate → poste → its weakest holder; keep the candidates on a cycle."""
    state: dict[int, int] = {}  # 1: on the current path, 2: settled
    moves: dict[int, tuple[int, int, int]] = {}
    for start in sorted(target):
        path = []
        c = start
        while c in target and c not in state:
            state[c] = 1
            path.append(c)
            c = worst[target[c][0]]
        if state.get(c) == 1:
            for member in path[path.index(c):]:
                moves[member] = target[member]
        for member in path:
            state[member] = 2
    return moves
