"""The bench's synthetic instances stay valid, deterministic and solvable by both solvers (small sizes)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import allocation_bench  # noqa: E402
from matching.algorithms import hospital_resident  # noqa: E402
from matching.games.hospital_resident import _make_players  # noqa: E402

from forms_app.affectation.engine import by_uai, check_mouvement, run_deferred_acceptance  # noqa: E402


def test_inter_instance_is_valid_and_deterministic() -> None:
    first, table = allocation_bench.make_inter(7, candidates=600)
    again, _ = allocation_bench.make_inter(7, candidates=600)
    assert first == again
    assert check_mouvement(first) == []
    assert max(len(c.voeux) for c in first.candidats) <= 31
    assert 0.1 < sum(c.must_be_placed for c in first.candidats) / 600 < 0.3
    assert len(table) == 31


def test_intra_instance_is_valid_with_zone_vœux_and_chains() -> None:
    m, table = allocation_bench.make_intra(7, candidates=400, etablissements=120)
    assert check_mouvement(m) == []
    assert max(len(c.voeux) for c in m.candidats) <= 25
    assert {v.type for c in m.candidats for v in c.voeux} == {"ETB", "COM", "GEO", "DPT", "ACA", "ZRE", "ZRD", "ZRA"}
    a = run_deferred_acceptance(m, zone_order=by_uai)
    held = {c.poste_actuel for c in m.candidats if c.poste_actuel}
    # Chains: some holder's seat went to somebody else.
    assert any(r.poste_id in held and r.obtention == "voeu" for r in a.resultats)
    assert all(c.voeux[0].zone in table for c in m.candidats)


def test_bench_translation_for_matching_gives_our_allocation() -> None:
    m = allocation_bench.without_initial(allocation_bench.make_inter(3, candidates=300)[0])
    residents, hospitals, capacities = allocation_bench.matching_inputs(m)
    solved = hospital_resident(*_make_players(residents, hospitals, capacities), optimal="resident")
    theirs: dict[str, str | None] = {c.id: None for c in m.candidats}
    for hospital, matched in solved.items():
        for resident in matched:
            theirs[resident.name] = hospital.name
    assert run_deferred_acceptance(m).postes() == theirs
