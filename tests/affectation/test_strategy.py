"""Strategy-proofness of DA*, checked exhaustively on small instances, and where it stops holding."""
from __future__ import annotations

import math
import random
from dataclasses import replace
from itertools import permutations

from affectation_support import candidat, etb, mouvements, poste
from hypothesis import given, settings
from hypothesis import strategies as st

from forms_app.affectation.engine import (
    Candidat,
    Mouvement,
    Voeu,
    build_zone_index,
    expand_voeu,
    run_deferred_acceptance,
)

EXHAUSTIVE = settings(max_examples=80, deadline=None, derandomize=True, database=None)


def every_list(menu: list[Voeu]) -> list[tuple[Voeu, ...]]:
    """Every ordered list of distinct vœux from the menu: all truncations and permutations."""
    return [order for size in range(len(menu) + 1) for order in permutations(menu, size)]


def true_rank(mouvement: Mouvement, c: Candidat, poste_id: str | None) -> float:
    """How the candidate truly ranks a poste: its first place in her true vœux, then her own poste."""
    index = build_zone_index(mouvement.postes)
    ranked = [p for voeu in c.voeux for p in expand_voeu(index, c.discipline, voeu)]
    if c.poste_actuel is not None:
        ranked.append(c.poste_actuel)
    # Anything she did not list (nothing at all included) is worse than everything she listed.
    return ranked.index(poste_id) if poste_id in ranked else math.inf


def check_no_profitable_lie(m: Mouvement, barème_of: dict[str, dict[str, float]]) -> None:
    """For each candidate, no list of vœux from her menu gets her a poste she truly prefers."""
    truthful = run_deferred_acceptance(m)
    for i, c in enumerate(m.candidats):
        honest = true_rank(m, c, truthful.of(c.id).poste_id)
        menu = [etb(uai) for uai in sorted({p.uai for p in m.postes if p.discipline == c.discipline and p.uai})]
        for lie in every_list(menu):
            liar = replace(c, voeux=lie, baremes=tuple(barème_of[c.id][v.code] for v in lie))
            others = (*m.candidats[:i], liar, *m.candidats[i + 1:])
            got = run_deferred_acceptance(Mouvement(others, m.postes)).of(c.id).poste_id
            assert true_rank(m, c, got) >= honest, (c.id, lie, got)


@EXHAUSTIVE
@given(mouvements(max_candidats=5, max_postes=5, geographic=False, constant_bareme=True))
def test_no_profitable_lie_when_the_bareme_is_one_per_candidate(m: Mouvement) -> None:
    barème_of = {c.id: {p.uai or "": c.bareme_base for p in m.postes} for c in m.candidats}
    assert all(b == c.bareme_base for c in m.candidats for b in c.baremes)
    check_no_profitable_lie(m, barème_of)


@EXHAUSTIVE
@given(mouvements(max_candidats=5, max_postes=5, geographic=False), st.randoms(use_true_random=False))
def test_no_profitable_lie_when_the_bareme_follows_the_place_not_the_rank(
    m: Mouvement, rnd: random.Random
) -> None:
    """A bonus tied to a place (e.g. rapprochement on the spouse's commune) keeps DA* strategy-proof."""
    uais = sorted({p.uai or "" for p in m.postes})
    barème_of = {c.id: {u: float(rnd.randint(0, 4)) for u in uais} for c in m.candidats}
    placed = Mouvement(tuple(
        replace(c, baremes=tuple(barème_of[c.id].get(v.code, 0.0) for v in c.voeux)) for c in m.candidats
    ), m.postes)
    check_no_profitable_lie(placed, barème_of)


def test_a_bonus_on_vœu_1_makes_lying_pay() -> None:
    """The counter-example: a bonus given to whatever is ranked first (like the stagiaire's 10 points).

    s truly prefers X to Y. Truthful, her bonus goes to X, which a wins anyway, and b outranks her on Y.
    Putting Y first moves the bonus to Y, where it beats b: DA* is not strategy-proof then.
    """
    postes = (poste("X", "0630001A"), poste("Y", "0630002B"))
    a = candidat("a", (etb("0630001A"), 70.0), entrant=True)
    b = candidat("b", (etb("0630002B"), 55.0), entrant=True)
    honest = candidat("s", (etb("0630001A"), 60.0), (etb("0630002B"), 50.0), entrant=True)
    lying = candidat("s", (etb("0630002B"), 60.0), (etb("0630001A"), 50.0), entrant=True)
    assert run_deferred_acceptance(Mouvement((a, b, honest), postes)).of("s").poste_id is None
    assert run_deferred_acceptance(Mouvement((a, b, lying), postes)).of("s").poste_id == "Y"
