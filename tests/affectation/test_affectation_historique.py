"""A validated simulation becomes next year's history: compute_barres → rows of data/barres → the site's loader."""
import shutil
from pathlib import Path

import pytest

from forms_app.affectation.engine import Mouvement, Voeu, allocate, compute_barres
from forms_app.affectation.engine.barre import Barre as BarreMoteur
from forms_app.affectation.historique import barres_csv, barres_rows, format_barre
from generator.load import load_site
from generator.model import Barre

from affectation_support import candidat, poste

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample-site"


def simulation():
    """A small intra movement on the sample site's référentiel (académie EXE, Puy-de-Dôme, Clermont-Ferrand)."""
    postes = (
        poste("P1", "0630021F", type_="LYC", commune="63113", groupements=("063951",), academie="EXE"),
        poste("P2", "0630069H", type_="CLG", commune="63300", groupements=("063951",), academie="EXE"),
        poste("P3", "0630069H", type_="CLG", commune="63300", groupements=("063951",), academie="EXE"),
    )
    etb = Voeu("ETB", "0630021F")
    com = Voeu("COM", "63300")
    dpt_lyc = Voeu("DPT", "063", "LYC")
    aca = Voeu("ACA", "EXE")
    candidats = (
        candidat("a", (etb, 412.0), (aca, 380.0), entrant=True),
        candidat("b", (etb, 150.2), (com, 150.2), entrant=True),  # refused on ETB, obtains a commune
        candidat("c", (dpt_lyc, 90.0), (com, 95.5), entrant=True),  # the lycée is taken: a collège
        candidat("d", (Voeu("COM", "63113"), 40.0), (Voeu("COM", "15014"), 40.0), entrant=True),  # nothing left
    )
    mouvement = Mouvement(candidats, postes)
    return compute_barres(mouvement, allocate(mouvement))


def test_rows_follow_the_data_barres_format():
    rows = barres_rows(simulation(), annee=2027, mouvement="intra")
    assert [(r["type_voeu"], r["code_voeu"], r["type_etablissement"], r["barre"], r["entrants"]) for r in rows] == [
        ("ETB", "0630021F", "", "412", "1"),
        ("COM", "15014", "", "", "0"),  # no poste at Aurillac: « aucune place libérée »
        ("COM", "63113", "", "412", "1"),  # the lycée's admission counts for its commune too
        ("COM", "63300", "", "95.5", "2"),
        ("DPT", "063", "LYC", "412", "1"),
        ("ACA", "EXE", "", "95.5", "3"),
    ]
    assert {(r["annee"], r["mouvement"], r["discipline"]) for r in rows} == {("2027", "intra", "L1300")}
    assert barres_csv(rows).splitlines()[:2] == [
        "annee;mouvement;discipline;type_voeu;code_voeu;type_etablissement;barre;entrants",
        "2027;intra;L1300;ETB;0630021F;;412;1",
    ]


def test_written_rows_load_back_through_the_site_loader(tmp_path):
    """The exported year sits next to the published ones, and the site reads it as it reads them."""
    root = tmp_path / "site"
    shutil.copytree(SAMPLE, root)
    rows = barres_rows(simulation(), annee=2027, mouvement="intra")
    (root / "data" / "barres").mkdir()
    (root / "data" / "barres" / "2027-intra.csv").write_text(barres_csv(rows), encoding="utf-8")
    site, report = load_site(root)
    assert site is not None, report.lines()
    assert not report
    assert [b for b in site.barres if b.annee == 2027] == [
        Barre(2027, "intra", "L1300", "ETB", "0630021F", "", 412.0, 1),
        Barre(2027, "intra", "L1300", "COM", "15014", "", None, 0),
        Barre(2027, "intra", "L1300", "COM", "63113", "", 412.0, 1),
        Barre(2027, "intra", "L1300", "COM", "63300", "", 95.5, 2),
        Barre(2027, "intra", "L1300", "DPT", "063", "LYC", 412.0, 1),
        Barre(2027, "intra", "L1300", "ACA", "EXE", "", 95.5, 3),
    ]


def test_a_row_the_loader_refuses_is_reported_with_its_line(tmp_path):
    """An engine vœu the published format does not know (a type d'établissement LPO) names its line."""
    root = tmp_path / "site"
    shutil.copytree(SAMPLE, root)
    odd = [BarreMoteur("L1300", Voeu("DPT", "063", "LPO"), 100.0, 1)]
    (root / "data" / "barres.csv").write_text(barres_csv(barres_rows(odd, annee=2027, mouvement="intra")),
                                              encoding="utf-8")
    site, report = load_site(root)
    assert site is None
    assert [str(p) for p in report] == [
        "data/barres.csv:2: type d'établissement inconnu « LPO » (voulez-vous dire « LP » ?) : types possibles : "
        "CLG, LYC, LP, EREA, ou vide pour tout type."]


@pytest.mark.parametrize(("value", "text"), [(None, ""), (412.0, "412"), (150.2, "150.2"), (95.5, "95.5"),
                                             (380.50000000001, "380.5"), (1012.125, "1012.125"), (0.0, "0")])
def test_barres_are_written_as_the_loader_reads_them(value, text):
    assert format_barre(value) == text


@pytest.mark.parametrize(("annee", "mouvement", "message"), [
    (27, "intra", "année 27 : il faut l'année du mouvement sur quatre chiffres (par exemple 2027)."),
    (2027, "intra-academique", "mouvement « intra-academique » inconnu : mouvements possibles : inter, intra, spen, spea."),
])
def test_year_and_movement_are_checked(annee, mouvement, message):
    with pytest.raises(ValueError) as raised:
        barres_rows(simulation(), annee=annee, mouvement=mouvement)
    assert str(raised.value) == message
