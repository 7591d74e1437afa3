"""Input checks, and which postes a vœu stands for."""
from __future__ import annotations

import pytest
from affectation_support import candidat, etb, poste

from forms_app.affectation.engine import (
    Candidat,
    Mouvement,
    Poste,
    Voeu,
    build_zone_index,
    by_uai,
    check_mouvement,
    expand_voeu,
)

PROBLEMS = [
    pytest.param(Mouvement((), (poste("P1", "A"), poste("P1", "B"))), ["poste P1 : identifiant en double"],
                 id="duplicate poste"),
    pytest.param(Mouvement((), (poste("P1", "A", capacity=0),)),
                 ["poste P1 : capacité 0, il en faut au moins 1"], id="no seat"),
    pytest.param(Mouvement((Candidat("a", "D", (etb("A"), etb("B")), (1.0,)),), ()),
                 ["candidat a : 2 vœux mais 1 barèmes"], id="one barème per vœu"),
    pytest.param(Mouvement((candidat("a", (Voeu("XYZ", "1"), 1.0)),), ()),
                 ["candidat a : vœu 1 de type inconnu « XYZ »"], id="unknown vœu type"),
    pytest.param(Mouvement((candidat("a", (etb("A"), float("nan"))),), ()),
                 ["candidat a : barème non numérique"], id="NaN barème"),
    pytest.param(Mouvement((candidat("a", actuel="P1"), candidat("b", actuel="P1")), (poste("P1", "A"),)),
                 ["poste P1 : 2 titulaires pour 1 place(s)"], id="more holders than seats"),
    pytest.param(Mouvement((candidat("a", tie=(1,)), candidat("b", tie=("x",))), ()),
                 ["départage : des clés de départage ne se comparent pas entre elles"], id="tie keys"),
    pytest.param(Mouvement((candidat("a", actuel="P1"),), (poste("P1", "A", capacity=2),)), [], id="valid"),
]


@pytest.mark.parametrize("mouvement,problems", PROBLEMS)
def test_check_mouvement(mouvement: Mouvement, problems: list[str]) -> None:
    assert check_mouvement(mouvement) == problems


ZONE = (
    poste("C2", "0630002B", type_="CLG", commune="63113", groupements=("063951",)),
    poste("L1", "0630001A", type_="LYC", commune="63113", groupements=("063951", "063952")),
    poste("P9", "0030009Z", type_="LP", commune="03190", departement="003"),
    poste("Z1", "0630001A", zr=True),
    poste("Z2", "0030009Z", zr=True, departement="003"),
    poste("M1", "0630001A", discipline="L0100", type_="LYC", commune="63113"),
)
EXPANSIONS = [
    (Voeu("ETB", "0630001A"), ("L1",)),
    (Voeu("ETB", "0630001A", "CLG"), ()),
    (Voeu("COM", "63113"), ("C2", "L1")),
    (Voeu("COM", "63113", "CLG"), ("C2",)),
    (Voeu("GEO", "063952"), ("L1",)),
    (Voeu("DPT", "063"), ("C2", "L1")),
    (Voeu("ACA", "06"), ("C2", "L1", "P9")),
    (Voeu("ACA", "06", "LP"), ("P9",)),
    (Voeu("ZRE", "0630001A"), ("Z1",)),
    (Voeu("ZRD", "003"), ("Z2",)),
    (Voeu("ZRA", "06"), ("Z1", "Z2")),
    (Voeu("DPT", "015"), ()),
]


@pytest.mark.parametrize("voeu,postes", EXPANSIONS, ids=lambda x: str(x))
def test_expand_voeu(voeu: Voeu, postes: tuple[str, ...]) -> None:
    assert expand_voeu(build_zone_index(ZONE), "L1300", voeu) == postes


def test_zone_order_is_the_campaign_s() -> None:
    assert expand_voeu(build_zone_index(ZONE, by_uai), "L1300", Voeu("ACA", "06")) == ("P9", "L1", "C2")
    by_type = build_zone_index(ZONE, lambda p: (p.etablissement_type or "") != "LYC")
    assert expand_voeu(by_type, "L1300", Voeu("COM", "63113")) == ("L1", "C2")


def test_postes_are_plain_frozen_values() -> None:
    p = Poste("P", "D")
    with pytest.raises(AttributeError):
        p.capacity = 3  # type: ignore[misc]


def test_a_poste_may_answer_several_restrictions() -> None:
    """A lycée polyvalent (LPO) is reached by a vœu limited to lycées and by one limited to LP."""
    lpo = Poste("O1", "L1300", 1, "0630003C", "LPO", "63113", (), "063", "06", restrictions=("LYC", "LP"))
    index = build_zone_index((*ZONE, lpo))
    assert expand_voeu(index, "L1300", Voeu("COM", "63113", "LYC")) == ("L1", "O1")
    assert expand_voeu(index, "L1300", Voeu("ACA", "06", "LP")) == ("O1", "P9")
    assert expand_voeu(index, "L1300", Voeu("COM", "63113", "LPO")) == ()
    assert expand_voeu(index, "L1300", Voeu("COM", "63113")) == ("C2", "L1", "O1")
