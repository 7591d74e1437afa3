"""Block exchanges after DA*: hand-made cycles, and on random instances nobody, no poste, worse off."""
from __future__ import annotations

import pytest
from affectation_support import (
    candidat,
    etb,
    exchange_markets,
    individual_rationality_violations,
    mouvements,
    over_capacity,
    poste,
    true_envy,
)
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from forms_app.affectation.engine import (
    Mouvement,
    compare_allocations,
    run_deferred_acceptance,
    run_exchange_cycles,
)

PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True, database=None)
POSTES = (poste("P1", "0630001A"), poste("P2", "0630002B"), poste("P3", "0630003C"))


def swap(bareme_on_voeu: float, intruder: float | None = 300.0) -> Mouvement:
    """a holds P1 and wants P2, b holds P2 and wants P1; both have a base barème of 10.

    Alone, DA* swaps them. The intruder outranks b on P1: b is sent home, which sends a home, which
    sends the intruder away, and DA* ends with nobody moved.
    """
    people = [
        candidat("a", (etb("0630002B"), bareme_on_voeu), base=10.0, actuel="P1"),
        candidat("b", (etb("0630001A"), bareme_on_voeu), base=10.0, actuel="P2"),
    ]
    if intruder is not None:
        people.append(candidat("x", (etb("0630001A"), intruder), entrant=True))
    return Mouvement(tuple(people), POSTES[:2])


def three_cycle() -> Mouvement:
    return Mouvement((
        candidat("a", (etb("0630002B"), 90.0), base=20.0, actuel="P1"),
        candidat("b", (etb("0630003C"), 90.0), base=20.0, actuel="P2"),
        candidat("c", (etb("0630001A"), 90.0), base=20.0, actuel="P3"),
        candidat("x", (etb("0630001A"), 300.0), entrant=True),
    ), POSTES)


CASES = [
    pytest.param(swap(200.0), {"a": "P1", "b": "P2", "x": None}, {"a": "P2", "b": "P1", "x": None},
                 id="swap: each barème on the vœu beats the other's base"),
    pytest.param(swap(10.0), {"a": "P1", "b": "P2", "x": None}, {"a": "P1", "b": "P2", "x": None},
                 id="no swap when the postes would not gain"),
    pytest.param(swap(200.0, intruder=None), {"a": "P2", "b": "P1"}, {"a": "P2", "b": "P1"},
                 id="DA* already swaps when nobody breaks the chain"),
    pytest.param(three_cycle(), {"a": "P1", "b": "P2", "c": "P3", "x": None},
                 {"a": "P2", "b": "P3", "c": "P1", "x": None}, id="three-way trade"),
]


@pytest.mark.parametrize("mouvement,by_da,expected", CASES)
def test_hand_cycles(mouvement: Mouvement, by_da: dict[str, str | None], expected: dict[str, str | None]) -> None:
    da = run_deferred_acceptance(mouvement)
    assert da.postes() == by_da
    assert run_exchange_cycles(mouvement, da).postes() == expected


def test_a_trade_is_reported_as_a_vœu_obtained() -> None:
    m = three_cycle()
    da = run_deferred_acceptance(m)
    after = run_exchange_cycles(m, da)
    assert (after.of("a").obtention, after.of("a").rang, after.of("a").bareme) == ("voeu", 1, 90.0)
    assert after.algorithme == "DA* + échanges"
    comparison = compare_allocations(m, da, after)
    assert comparison.better == ("a", "b", "c") and comparison.worse == ()
    assert (comparison.reference.moves, comparison.other.moves) == (0, 3)


@PROPERTIES
@given(st.one_of(mouvements(max_candidats=8, max_postes=6, bonus=True), exchange_markets()))
def test_nobody_worse_off_and_no_new_envy(m: Mouvement) -> None:
    da = run_deferred_acceptance(m)
    after = run_exchange_cycles(m, da)
    comparison = compare_allocations(m, da, after)
    assert comparison.worse == ()
    # Any change is a Pareto improvement: somebody gains whenever something moved.
    assert (after.postes() != da.postes()) == bool(comparison.better)
    assert true_envy(m, after) <= true_envy(m, da)
    assert individual_rationality_violations(m, after) == []
    assert over_capacity(m, after) == []
    assert run_exchange_cycles(m, da) == after


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(mouvements(max_candidats=8, max_postes=6, constant_bareme=True))
def test_no_block_exchange_when_every_barème_is_the_base(m: Mouvement) -> None:
    """With one barème per candidate a poste only gains from a higher barème: no cycle can close."""
    da = run_deferred_acceptance(m)
    assert run_exchange_cycles(m, da).postes() == da.postes()


def test_random_markets_do_hold_exchanges() -> None:
    """The property above sees real trades: the strategy finds markets where a cycle closes after DA*."""
    def trades(m: Mouvement) -> bool:
        da = run_deferred_acceptance(m)
        return run_exchange_cycles(m, da).postes() != da.postes()

    found = find(exchange_markets(), trades, settings=settings(database=None, derandomize=True, phases=[Phase.generate]))
    assert trades(found)
