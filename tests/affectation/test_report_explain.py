"""Barres, the candidate's explanation in French, and the figures of an allocation."""
from __future__ import annotations

import pytest
from affectation_support import candidat, etb, poste

from forms_app.affectation.engine import (
    Mouvement,
    Voeu,
    allocate,
    compute_barres,
    explain_candidate,
    explain_candidates,
    format_points,
    report_allocation,
    run_deferred_acceptance,
)

POSTES = (
    poste("P1", "0630001A", commune="63113"),
    poste("P2", "0630002B", commune="63113"),
    poste("P3", "0630003C", commune="63430"),
    poste("P4", "0630004D", commune="63430"),
)


def mouvement() -> Mouvement:
    """Two entrants on P1, P2 at 412 and 420; P4 is held and stays; s wants them all and gets P3."""
    return Mouvement((
        candidat("hi", (etb("0630001A"), 412.0), entrant=True),
        candidat("hj", (etb("0630002B"), 420.0), entrant=True),
        candidat("h4", actuel="P4"),
        candidat("s", (etb("0630001A"), 380.0), (Voeu("COM", "63113"), 380.5), (etb("0630004D"), 380.0),
                 (Voeu("COM", "63430"), 150.2), entrant=True),
    ), POSTES)


def test_barres_per_discipline_and_vœu() -> None:
    m = mouvement()
    barres = compute_barres(m, run_deferred_acceptance(m))
    found = {(v.type, v.code): (b.barre, b.admis) for (_, v), b in barres.items()}
    assert found == {
        ("ETB", "0630001A"): (412.0, 1),
        ("ETB", "0630002B"): (420.0, 1),
        ("COM", "63113"): (412.0, 2),
        ("ETB", "0630004D"): (None, 0),
        ("COM", "63430"): (150.2, 1),
    }


def test_explanation_lists_the_vœux_above_in_french() -> None:
    m = mouvement()
    explanation = explain_candidate(m, run_deferred_acceptance(m), "s")
    assert explanation.resultat.poste_id == "P3" and explanation.resultat.rang == 4
    assert explanation.lines() == [
        "vœu 1 : barre 412, votre barème 380",
        "vœu 2 : barre 412, votre barème 380,5",
        "vœu 3 : aucune place libérée, votre barème 380",
    ]
    assert explain_candidates(m, run_deferred_acceptance(m))["s"] == explanation
    assert explanation.above[1].line("son") == "vœu 2 : barre 412, son barème 380,5"  # the gestionnaire's words


def test_nothing_to_explain_for_vœu_1_and_everything_for_a_kept_poste() -> None:
    m = mouvement()
    a = run_deferred_acceptance(m)
    assert explain_candidate(m, a, "hi").lines() == []
    assert explain_candidate(m, a, "h4").above == ()  # no vœu at all


@pytest.mark.parametrize("value,text", [
    (412.0, "412"), (150.2, "150,2"), (380.25, "380,25"), (0.0, "0"), (1000.0, "1000"), (-3.5, "−3,5"),
])
def test_points_are_written_the_french_way(value: float, text: str) -> None:
    assert format_points(value) == text


def test_report_counts() -> None:
    m = Mouvement((
        candidat("a", (etb("0630002B"), 50.0), actuel="P1"),
        candidat("b", (etb("0630003C"), 50.0), actuel="P2"),
        candidat("k", (etb("0630003C"), 10.0), actuel="P4"),
        candidat("e", (etb("0630003C"), 5.0), (etb("0630001A"), 5.0), entrant=True),
        candidat("f", (etb("0630003C"), 1.0), entrant=True),
    ), POSTES)
    report = report_allocation(m, allocate(m))
    assert report.algorithme == "DA*"
    assert report.moves == 2 and report.kept == 1
    assert report.satisfied_by_rank == ((1, 2), (2, 1))
    assert report.satisfied == 3
    assert report.mean_rank == pytest.approx(4 / 3)
    assert (report.entrants, report.entrants_placed_by_voeu, report.entrants_without_poste) == (2, 1, 1)


def test_explaining_an_unknown_candidate_is_a_key_error() -> None:
    m = mouvement()
    with pytest.raises(KeyError):
        explain_candidate(m, run_deferred_acceptance(m), "nobody")
