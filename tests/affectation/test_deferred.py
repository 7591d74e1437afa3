"""DA*: hand-made instances with known answers, and its guarantees on random instances."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from affectation_support import (
    candidat,
    etb,
    individual_rationality_violations,
    justified_envy,
    mouvements,
    over_capacity,
    poste,
    wasted_seats,
)
from hypothesis import given, settings

from forms_app.affectation.engine import (
    Affectation,
    Mouvement,
    MouvementInvalide,
    Resultat,
    Voeu,
    by_uai,
    run_deferred_acceptance,
    run_deferred_acceptance_plain,
)

ROOT = Path(__file__).resolve().parents[2]
PROPERTIES = settings(max_examples=150, deadline=None, derandomize=True, database=None)


def outcome(a: Affectation) -> dict[str, tuple[str | None, str, int | None]]:
    return {r.candidat_id: (r.poste_id, r.obtention, r.rang) for r in a.resultats}


def chain(x_bareme: float | None) -> Mouvement:
    """a, b, c hold P1, P2, P3; a wants b's poste, b wants c's, c wants the vacant V; e wants a's.

    With x (barème x_bareme) also after V, the chain holds only if c outranks x.
    """
    postes = (poste("P1", "0630001A"), poste("P2", "0630002B"), poste("P3", "0630003C"), poste("V", "0630004D"))
    people = [
        candidat("a", (etb("0630002B"), 50.0), actuel="P1"),
        candidat("b", (etb("0630003C"), 50.0), actuel="P2"),
        candidat("c", (etb("0630004D"), 50.0), actuel="P3"),
        candidat("e", (etb("0630001A"), 10.0), entrant=True),
    ]
    if x_bareme is not None:
        people.append(candidat("x", (etb("0630004D"), x_bareme), entrant=True))
    return Mouvement(tuple(people), postes)


HAND_CASES = [
    pytest.param(chain(None), {
        "a": ("P2", "voeu", 1), "b": ("P3", "voeu", 1), "c": ("V", "voeu", 1), "e": ("P1", "voeu", 1),
    }, id="chain of three movers frees a seat for an entrant"),
    pytest.param(chain(80.0), {
        "a": ("P1", "maintien", None), "b": ("P2", "maintien", None), "c": ("P3", "maintien", None),
        "e": (None, "sans_poste", None), "x": ("V", "voeu", 1),
    }, id="chain broken at its end: everybody keeps her poste"),
    pytest.param(chain(20.0), {
        "a": ("P2", "voeu", 1), "b": ("P3", "voeu", 1), "c": ("V", "voeu", 1), "e": ("P1", "voeu", 1),
        "x": (None, "sans_poste", None),
    }, id="chain holds against a lower barème"),
    pytest.param(Mouvement((
        candidat("late", (etb("0630001A"), 30.0), tie=(1,)),
        candidat("early", (etb("0630001A"), 30.0), tie=(0,)),
    ), (poste("P1", "0630001A"),)), {
        "early": ("P1", "voeu", 1), "late": (None, "sans_poste", None),
    }, id="equal barème: the smaller tie-break key wins"),
    pytest.param(Mouvement((
        candidat("c2", (etb("0630001A"), 30.0), tie=(0,)),
        candidat("c1", (etb("0630001A"), 30.0), tie=(0,)),
    ), (poste("P1", "0630001A"),)), {
        "c1": ("P1", "voeu", 1), "c2": (None, "sans_poste", None),
    }, id="equal barème and key: the candidate id decides"),
    pytest.param(Mouvement((
        candidat("low", (etb("0630001A"), 30.0), tie=(0,)),
        candidat("high", (etb("0630001A"), 30.5), tie=(9,)),
    ), (poste("P1", "0630001A"),)), {
        "high": ("P1", "voeu", 1), "low": (None, "sans_poste", None),
    }, id="barème before tie-break"),
    pytest.param(Mouvement((
        candidat("e", (Voeu("GEO", "063951", "CLG"), 10.0), entrant=True),
    ), (
        poste("LYC1", "0630001A", type_="LYC", groupements=("063951",)),
        poste("CLG1", "0630002B", type_="CLG", groupements=("063951",)),
        poste("CLG2", "0630003C", type_="CLG", groupements=("063952",)),
    )), {"e": ("CLG1", "voeu", 1)}, id="zone vœu restricted to collèges skips the lycée"),
    pytest.param(Mouvement((
        candidat("held", (etb("0630002B"), 90.0), entrant=True),
        candidat("e", (Voeu("GEO", "063951", "CLG"), 10.0), entrant=True),
    ), (
        poste("LYC1", "0630001A", type_="LYC", groupements=("063951",)),
        poste("CLG1", "0630002B", type_="CLG", groupements=("063951",)),
    )), {"held": ("CLG1", "voeu", 1), "e": (None, "sans_poste", None)},
        id="restricted zone vœu with no free collège gets nothing, not the lycée"),
    pytest.param(Mouvement((
        candidat("a", (etb("0630009J"), 40.0), (Voeu("COM", "63113"), 40.0), actuel="P1"),
        candidat("h", actuel="PJ"),
    ), (
        poste("P1", "0630005E", commune="63113"),
        poste("P4", "0630004D", commune="63113"),
        poste("PJ", "0630009J", commune="63430"),
    )), {"a": ("P1", "maintien", 2), "h": ("PJ", "maintien", None)},
        id="own poste first in a zone vœu: she stays there rather than take the next poste"),
    pytest.param(Mouvement((
        candidat("x", (etb("0630001A"), 10.0), entrant=True),
        candidat("e", (etb("0630001A"), 10.0), (Voeu("DPT", "063"), 30.0), entrant=True),
        candidat("f", (etb("0630001A"), 20.0), entrant=True),
    ), (poste("A", "0630001A"), poste("B", "0630002B", capacity=1))), {
        "e": ("A", "voeu", 2), "f": (None, "sans_poste", None),
        "x": (None, "sans_poste", None),
    }, id="a later, broader vœu with a bonus obtains the poste a narrower one could not"),
    pytest.param(Mouvement((
        candidat("e", (etb("0630001A"), 10.0), (etb("0630003C"), 10.0), entrant=True),
        candidat("a", (etb("0630002B"), 10.0), actuel="P1"),
        candidat("x", (etb("0630002B"), 99.0), entrant=True),
    ), (poste("P1", "0630001A"), poste("P2", "0630002B"), poste("P3", "0630003C"))), {
        "e": ("P3", "voeu", 2), "a": ("P1", "maintien", None), "x": ("P2", "voeu", 1),
    }, id="a holder refused elsewhere comes back and displaces whoever took her seat"),
]


@pytest.mark.parametrize("mouvement,expected", HAND_CASES)
def test_hand_instances(mouvement: Mouvement, expected: dict[str, tuple[str | None, str, int | None]]) -> None:
    assert outcome(run_deferred_acceptance(mouvement)) == expected
    assert outcome(run_deferred_acceptance_plain(mouvement)) == expected


def test_own_poste_inside_a_zone_vœu_is_kept_where_the_zone_lists_it() -> None:
    postes = (poste("P1", "0630001A", commune="63113"), poste("P4", "0630004D", commune="63113"))
    m = Mouvement((candidat("a", (Voeu("COM", "63113"), 40.0), actuel="P4"),), postes)
    # By poste id P1 comes first: she moves there. By UAI too. Put her own poste first: she stays.
    assert outcome(run_deferred_acceptance(m))["a"] == ("P1", "voeu", 1)
    first_own = run_deferred_acceptance(m, zone_order=lambda p: p.id != "P4")
    assert outcome(first_own)["a"] == ("P4", "maintien", 1)
    assert first_own.of("a").bareme == 40.0
    assert outcome(run_deferred_acceptance(m, zone_order=by_uai))["a"] == ("P1", "voeu", 1)


def test_zone_order_decides_which_poste_of_the_zone() -> None:
    postes = (poste("P1", "0630009J", commune="63113"), poste("P2", "0630001A", commune="63113"))
    m = Mouvement((candidat("e", (Voeu("COM", "63113"), 5.0), entrant=True),), postes)
    assert run_deferred_acceptance(m).of("e").poste_id == "P1"
    assert run_deferred_acceptance(m, zone_order=by_uai).of("e").poste_id == "P2"


def test_invalid_input_is_refused_with_every_problem() -> None:
    m = Mouvement((
        candidat("a", (etb("0630001A"), 1.0), actuel="nowhere"),
        candidat("a", (etb("0630001A"), 1.0)),
    ), (poste("P1", "0630001A"),))
    with pytest.raises(MouvementInvalide) as raised:
        run_deferred_acceptance(m)
    assert raised.value.problems == (
        "candidat a : poste actuel nowhere inconnu",
        "candidat a : identifiant en double",
    )


@PROPERTIES
@given(mouvements())
def test_guarantees_on_random_instances(m: Mouvement) -> None:
    a = run_deferred_acceptance(m)
    assert individual_rationality_violations(m, a) == []
    assert justified_envy(m, a) == []
    assert wasted_seats(m, a) == []
    assert over_capacity(m, a) == []


@PROPERTIES
@given(mouvements(max_candidats=9, max_postes=7))
def test_fast_path_equals_plain_path(m: Mouvement) -> None:
    assert run_deferred_acceptance(m) == run_deferred_acceptance_plain(m)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(mouvements())
def test_same_input_same_output(m: Mouvement) -> None:
    first = run_deferred_acceptance(m)
    again = run_deferred_acceptance(Mouvement(tuple(m.candidats), tuple(m.postes)))
    assert first == again


def test_checks_catch_a_broken_allocation() -> None:
    """The property checks can fail: hand them allocations that break each guarantee."""
    m = chain(None)
    stay_home = Affectation("faux", tuple(
        Resultat(c.id, c.poste_actuel, "maintien" if c.poste_actuel else "sans_poste") for c in m.candidats
    ))
    assert wasted_seats(m, stay_home) == [("c", "V")]
    lost = Affectation("faux", tuple(
        Resultat(c.id, None, "sans_poste") for c in m.candidats
    ))
    assert individual_rationality_violations(m, lost) == ["a", "b", "c"]
    m2 = HAND_CASES[3].values[0]
    unfair = Affectation("faux", (Resultat("late", "P1", "voeu", 1, 30.0), Resultat("early", None, "sans_poste")))
    assert justified_envy(m2, unfair) == [("early", "P1", "late")]
    crowded = Affectation("faux", (Resultat("late", "P1", "voeu", 1, 30.0), Resultat("early", "P1", "voeu", 1, 30.0)))
    assert over_capacity(m2, crowded) == ["P1"]


SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
from affectation_support import mouvements
from forms_app.affectation.engine import allocate
from hypothesis import given, settings
seen = []
@settings(max_examples=25, derandomize=True, database=None, deadline=None)
@given(mouvements(max_candidats=9, max_postes=7))
def run(m):
    a = allocate(m, algorithme="echanges", extension={("ETB", "0630001A"): [("DPT", "063"), ("ACA", "06")]})
    seen.append([(r.candidat_id, r.poste_id, r.obtention, r.rang) for r in a.resultats])
run()
print(json.dumps(seen))
"""


def test_same_output_whatever_the_hash_seed() -> None:
    """Set and dict orders of strings change with PYTHONHASHSEED; the allocation must not."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(Path(__file__).parent)],
            env=env, capture_output=True, text=True, check=True, cwd=ROOT,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 25
