"""The extension: entrants left without a poste walk the campaign's table from their vœu 1."""
from __future__ import annotations

from collections import Counter

from affectation_support import candidat, mouvements, over_capacity, poste
from hypothesis import given, settings

from forms_app.affectation.engine import (
    Mouvement,
    Voeu,
    allocate,
    report_allocation,
    run_deferred_acceptance,
    run_extension,
)

# Inter-like: académies 06 (wanted), 01 and 02 (where seats are left).
POSTES = (
    poste("A06", None, academie="06", capacity=1, type_=None, departement=None),
    poste("A01", None, academie="01", capacity=1, type_=None, departement=None),
    poste("A02", None, academie="02", capacity=2, type_=None, departement=None),
)
TABLE = {("ACA", "06"): [("ACA", "06"), ("ACA", "01"), ("ACA", "02")],
         ("ACA", "01"): [("ACA", "02")]}


def test_entrants_walk_the_table_in_order_of_their_base_bareme() -> None:
    # w wins 06 on her vœu, u one seat of 02. y has the higher bonified barème but the lower base:
    # z walks first and takes the last seat of 02.
    m = Mouvement((
        candidat("w", (Voeu("ACA", "06"), 500.0), entrant=True),
        candidat("y", (Voeu("ACA", "06"), 400.0), base=20.0, entrant=True),
        candidat("z", (Voeu("ACA", "06"), 100.0), base=90.0, entrant=True),
        candidat("v", (Voeu("ACA", "01"), 1.0), base=1.0, entrant=True),
        candidat("q", (Voeu("ACA", "06"), 1.0), base=1.0),
        candidat("u", (Voeu("ACA", "02"), 1.0), base=1.0, entrant=True),
    ), POSTES)
    da = run_deferred_acceptance(m)
    assert da.postes() == {"w": "A06", "y": None, "z": None, "v": "A01", "q": None, "u": "A02"}
    after = run_extension(m, da, TABLE)
    assert after.postes() == {"w": "A06", "y": None, "z": "A02", "v": "A01", "q": None, "u": "A02"}
    assert (after.of("z").obtention, after.of("z").rang, after.of("z").bareme) == ("extension", None, 90.0)
    report = report_allocation(m, after)
    assert (report.entrants, report.entrants_placed_by_voeu, report.entrants_placed_by_extension,
            report.entrants_without_poste) == (5, 3, 1, 1)


def test_extension_skips_full_zones_and_leaves_the_unplaceable() -> None:
    m = Mouvement((
        candidat("a", (Voeu("ACA", "01"), 9.0), base=9.0, entrant=True),
        candidat("b", (Voeu("ACA", "02"), 8.0), base=8.0, entrant=True),
        candidat("c", (Voeu("ACA", "06"), 7.0), base=7.0, entrant=True),
        candidat("d", (Voeu("ACA", "06"), 6.0), base=6.0, entrant=True),
        candidat("e", (Voeu("ACA", "06"), 5.0), base=5.0, entrant=True),
        candidat("f", (Voeu("ACA", "06"), 4.0), base=4.0, entrant=True),
    ), POSTES)
    after = allocate(m, extension=TABLE)
    # c wins 06; d, e, f walk 06 (full), 01 (taken by a), 02 (b holds one seat): d gets the last seat.
    assert after.postes() == {"a": "A01", "b": "A02", "c": "A06", "d": "A02", "e": None, "f": None}
    assert after.of("e").obtention == "sans_poste"


def test_a_vœu_1_outside_the_table_gets_no_extension() -> None:
    m = Mouvement((candidat("a", (Voeu("ACA", "03"), 9.0), entrant=True),), POSTES)
    assert allocate(m, extension=TABLE).of("a").poste_id is None


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(mouvements(max_candidats=9, max_postes=6))
def test_extension_fills_free_seats_only_and_leaves_nobody_it_could_place(m: Mouvement) -> None:
    table = {v.zone: [("DPT", "063"), ("ZRA", "06"), ("ACA", "06")] for c in m.candidats for v in c.voeux}
    da = run_deferred_acceptance(m)
    after = run_extension(m, da, table)
    assert over_capacity(m, after) == []
    used = Counter(r.poste_id for r in after.resultats if r.poste_id is not None)
    reachable = {c.id: {p.id for p in m.postes if p.discipline == c.discipline
                        and ((p.departement == "063" and not p.zone_remplacement)
                             or (p.academie == "06"))} for c in m.candidats}
    for c, before, now in zip(m.candidats, da.resultats, after.resultats):
        if before.poste_id is not None or not c.must_be_placed:
            assert now == before
        elif now.poste_id is not None:
            assert now.obtention == "extension" and now.poste_id in reachable[c.id]
        else:
            # Left without a poste: every poste on her path is full.
            assert all(used[p] == capacity for p, capacity in
                       ((p.id, p.capacity) for p in m.postes if p.id in reachable[c.id]))
