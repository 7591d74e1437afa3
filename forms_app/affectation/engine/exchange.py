"""The second algorithm: exchange cycles after DA*, among tenured candidates still on their own poste.

This is not TO-BE run from the initial assignment (see docs/affectation.md): it starts from the DA*
outcome and only executes block exchanges that keep its barème stability.
"""
from __future__ import annotations

from .deferred import result_of
from .expand import ZoneOrder
from .model import Affectation, Mouvement, require_valid
from .prepared import Prepared, prepare_mouvement

ALGORITHME = "DA* + échanges"
NONE = -1


def run_exchange_cycles(
    mouvement: Mouvement,
    affectation: Affectation,
    *,
    posts_must_gain: bool = True,
    zone_order: ZoneOrder | None = None,
) -> Affectation:
    """Let groups of candidates kept on their own poste trade postes when all of them gain.

    Each round, a poste with protected holders (candidates still on their own poste) points to the
    protected holder with the lowest `bareme_base`; a protected candidate points to the first poste of
    her vœux, above what she holds, on which her barème beats every other candidate who would rather
    have that poste than what she holds (so no justified envy appears) and, when `posts_must_gain`,
    beats the `bareme_base` of the holder she replaces (the poste gains too: a block exchange). Every
    cycle is executed; rounds repeat until there is none. Nobody ends worse than in `affectation`.
    """
    require_valid(mouvement)
    prepared = prepare_mouvement(mouvement, zone_order)
    held_at, voeu_of, poste_of = positions_of(prepared, affectation)
    while True:
        moves = find_cycles(prepared, held_at, voeu_of, poste_of, posts_must_gain)
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

    Everything strictly before (vœu index, position in the vœu) is a claim: a poste she would rather have.
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


def find_cycles(
    prepared: Prepared,
    held_at: list[int],
    voeu_of: list[int],
    poste_of: list[int],
    posts_must_gain: bool,
) -> dict[int, tuple[int, int, int]]:
    """Return the moves of every exchange cycle of this round: candidate → (poste, vœu index, position)."""
    priorities = prepared.priorities
    base_keys, voeu_keys = priorities.base_keys, priorities.voeu_keys
    n_postes = len(prepared.capacity)
    worst = [NONE] * n_postes
    for c, p in enumerate(held_at):
        if p != NONE and p == prepared.own[c] and (worst[p] == NONE or base_keys[c] < base_keys[worst[p]]):
            worst[p] = c
    # The two best claims on each poste that has a protected holder, from two different candidates.
    top_key, top_cand, second_key = [NONE] * n_postes, [NONE] * n_postes, [NONE] * n_postes
    for c, zones in enumerate(prepared.voeu_postes):
        keys, last_vi, last_pi = voeu_keys[c], voeu_of[c], poste_of[c]
        for vi in range(min(last_vi + 1, len(zones))):
            key, zone = keys[vi], zones[vi]
            for p in zone[:last_pi] if vi == last_vi else zone:
                if worst[p] == NONE:
                    continue
                if key > top_key[p]:
                    if top_cand[p] != c:
                        second_key[p] = top_key[p]
                        top_cand[p] = c
                    top_key[p] = key
                elif key > second_key[p] and top_cand[p] != c:
                    second_key[p] = key
    # A protected candidate points to her first poste where she tops every other claim.
    target: dict[int, tuple[int, int, int]] = {}
    for c, p in enumerate(held_at):
        if p == NONE or p != prepared.own[c]:
            continue
        pointed = first_winnable(prepared, c, voeu_of[c], poste_of[c], top_cand, second_key, worst, posts_must_gain)
        if pointed is not None:
            target[c] = pointed
    return cycles_of(target, worst)


def first_winnable(
    prepared: Prepared,
    c: int,
    last_vi: int,
    last_pi: int,
    top_cand: list[int],
    second_key: list[int],
    worst: list[int],
    posts_must_gain: bool,
) -> tuple[int, int, int] | None:
    """Return candidate c's most preferred claim she can take in an exchange, or None."""
    zones = prepared.voeu_postes[c]
    keys = prepared.priorities.voeu_keys[c]
    base_keys = prepared.priorities.base_keys
    for vi in range(min(last_vi + 1, len(zones))):
        key, zone = keys[vi], zones[vi]
        for pi, p in enumerate(zone[:last_pi] if vi == last_vi else zone):
            if top_cand[p] != c or key <= second_key[p] or p == prepared.own[c]:
                continue
            if posts_must_gain and key <= base_keys[worst[p]]:
                continue
            return (p, vi, pi)
    return None


def cycles_of(
    target: dict[int, tuple[int, int, int]], worst: list[int]
) -> dict[int, tuple[int, int, int]]:
    """Follow candidate → poste → its worst protected holder; keep the candidates on a cycle."""
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
