"""Without initial assignments DA* is the resident-optimal stable matching: the `matching` package agrees."""
from __future__ import annotations

from dataclasses import replace

import pytest
from affectation_support import candidat, etb, mouvements, poste
from hypothesis import given, settings
from matching.games import HospitalResident

from forms_app.affectation.engine import (
    Mouvement,
    Voeu,
    build_zone_index,
    expand_voeu,
    run_deferred_acceptance,
)


def without_repeats(m: Mouvement) -> Mouvement:
    """Drop holders' postes and every vœu naming a poste an earlier vœu names: HR has one rank per pair."""
    index = build_zone_index(m.postes)
    candidats = []
    for c in m.candidats:
        seen: set[str] = set()
        kept = []
        for voeu, bareme in zip(c.voeux, c.baremes):
            postes = set(expand_voeu(index, c.discipline, voeu))
            if not postes & seen:
                kept.append((voeu, bareme))
                seen |= postes
        candidats.append(replace(c, voeux=tuple(v for v, _ in kept), baremes=tuple(b for _, b in kept),
                                 poste_actuel=None))
    return Mouvement(tuple(candidats), m.postes)


def solve_with_matching(m: Mouvement) -> dict[str, str | None]:
    """Solve the same problem with matching's HospitalResident, resident-optimal."""
    index = build_zone_index(m.postes)
    resident_prefs: dict[str, list[str]] = {}
    claims: dict[str, list[tuple[tuple[object, ...], str]]] = {}
    for c in m.candidats:
        listed = [(p, vi) for vi, v in enumerate(c.voeux) for p in expand_voeu(index, c.discipline, v)]
        if not listed:
            continue
        resident_prefs[c.id] = [p for p, _ in listed]
        for p, vi in listed:
            claims.setdefault(p, []).append(((-c.baremes[vi], c.tie_break, c.id), c.id))
    hospital_prefs = {p: [cid for _, cid in sorted(found)] for p, found in claims.items()}
    capacities = {p.id: p.capacity for p in m.postes if p.id in hospital_prefs}
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
    solved = {c.id: None for c in m.candidats}
    for hospital, residents in game.solve(optimal="resident").items():
        for resident in residents:
            solved[resident.name] = hospital.name
    return solved


HAND = [
    pytest.param(Mouvement((
        candidat("a", (etb("0630001A"), 10.0), (etb("0630002B"), 10.0)),
        candidat("b", (etb("0630001A"), 20.0)),
        candidat("c", (etb("0630002B"), 5.0), (etb("0630001A"), 50.0)),
    ), (poste("P1", "0630001A"), poste("P2", "0630002B"))), id="rejection chain"),
    pytest.param(Mouvement((
        candidat("a", (Voeu("DPT", "063"), 10.0)),
        candidat("b", (etb("0630002B"), 10.0), (Voeu("DPT", "003"), 30.0), tie=(1,)),
        candidat("c", (etb("0630002B"), 10.0), tie=(0,)),
    ), (poste("P1", "0630001A", capacity=2), poste("P2", "0630002B"), poste("P3", "0630003C", departement="003"))),
        id="zones, capacity and ties"),
]


@pytest.mark.parametrize("m", HAND)
def test_hand_instances_agree_with_matching(m: Mouvement) -> None:
    assert run_deferred_acceptance(m).postes() == solve_with_matching(m)


@settings(max_examples=120, deadline=None, derandomize=True, database=None)
@given(mouvements(max_candidats=9, max_postes=7, initial=False))
def test_random_instances_agree_with_matching(m: Mouvement) -> None:
    m = without_repeats(m)
    assert run_deferred_acceptance(m).postes() == solve_with_matching(m)
