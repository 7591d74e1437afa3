"""The search files of the site: pages in recherche/index.json, postes in recherche/postes.json."""
import json
from datetime import datetime

import pytest

from generator.build import build_site
from generator.model import PARIS

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)


@pytest.fixture
def search_files(sample_site, tmp_path):
    out = tmp_path / "out"
    build_site(sample_site, out, now=NOW, jobs=1)
    read = lambda name: json.loads((out / "recherche" / name).read_text(encoding="utf-8"))  # noqa: E731
    return read("index.json"), read("postes.json")


def test_postes_are_indexed_by_campaign_and_etablissement(search_files):
    """One row per campaign and établissement, each label once: what search.js expands into results."""
    _, postes = search_files
    assert postes["c"] == [["intra-2027", "Mouvement intra-académique 2027"]]
    assert postes["d"] == [["L0422", "Anglais"], ["L0202", "Lettres modernes"], ["L1300", "Mathématiques"]]
    assert postes["e"] == [
        [0, "0150007B", "LPO Lycée Émile-Duclaux", "Aurillac", "15000", "Cantal", [0], "P0003"],
        [0, "0630021F", "LYC Lycée Blaise-Pascal", "Clermont-Ferrand", "63000", "Puy-de-Dôme", [2], "P0001"],
        [0, "0630069H", "CLG Collège Jules-Ferry", "Riom", "63200", "Puy-de-Dôme", [1], "P0002"],
    ]


def test_several_postes_of_one_etablissement_make_one_row(sample_site_dir):
    from generator.load import load_site

    table = sample_site_dir / "data" / "postes.csv"
    table.write_text(table.read_text(encoding="utf-8")
                     + "P0004;intra-2027;GEN;0630021F;L0202;;;V;;2027-03-15;\n", encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    out = sample_site_dir.parent / "out"
    build_site(site, out, now=NOW, jobs=1)
    postes = json.loads((out / "recherche" / "postes.json").read_text(encoding="utf-8"))
    row = next(e for e in postes["e"] if e[1] == "0630021F")
    assert (row[6], row[7]) == ([1, 2], "P0001 P0004")  # Lettres modernes, Mathématiques


def test_each_list_of_postes_is_a_page_result(search_files):
    pages, _ = search_files
    found = {e["u"]: (e["k"], e["t"], e["s"], e["x"]) for e in pages if e["k"] == "Postes vacants"}
    assert found["postes/intra-2027/gen-l1300/"] == (
        "Postes vacants", "Postes vacants : Mouvement général — Mathématiques",
        "1 poste, Mouvement intra-académique 2027", "GEN L1300")
    assert len(found) == 4  # the campaign's page and its three lists
