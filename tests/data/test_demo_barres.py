"""The example academy's barres (data/barres/AAAA.csv): what scripts/make_demo_barres.py writes, and plausible."""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from generator.barres import barres_by_voeu
from generator.load import load_site

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location("make_demo_barres", ROOT / "scripts" / "make_demo_barres.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def barres():
    site, report = load_site(ROOT)
    assert site is not None, report.lines()
    return site.barres


def test_committed_files_are_what_the_script_writes():
    files = load_script().make_files()
    assert sorted(files) == ["2024.csv", "2025.csv", "2026.csv"]
    for name, text in files.items():
        assert (ROOT / "data" / "barres" / name).read_text(encoding="utf-8") == text, name


def test_three_years_of_inter_and_intra_for_every_discipline(barres):
    assert sorted({b.annee for b in barres}) == [2024, 2025, 2026]
    by_movement = Counter((b.mouvement, b.annee) for b in barres)
    assert all(by_movement[("inter", y)] == 30 * 18 for y in (2024, 2025, 2026))  # every académie, every year
    assert all(by_movement[("intra", y)] > 1000 for y in (2024, 2025, 2026))
    assert {b.type_voeu for b in barres if b.mouvement == "intra"} == {"ACA", "DPT", "ZRD", "GEO", "COM", "ETB"}


def test_broader_vœux_have_lower_barres(barres):
    """For each discipline and year, the académie's barre is below the Puy-de-Dôme's: entering the académie
    anywhere takes fewer points than entering its most sought-after département."""
    found = barres_by_voeu(barres)
    for (mouvement, discipline, type_voeu, code, etab), items in found.items():
        if (mouvement, type_voeu, etab) != ("intra", "DPT", "") or code != "063":
            continue
        for b in items:
            academie = {x.annee: x.barre for x in found[("intra", discipline, "ACA", "06", "")]}[b.annee]
            assert academie is not None and b.barre is not None and academie < b.barre


def test_some_years_nobody_entered_and_some_vœux_are_not_published_every_year(barres):
    assert any(b.barre is None and b.entrants == 0 for b in barres)
    years = Counter((b.mouvement, b.discipline, b.type_voeu, b.code_voeu, b.type_etablissement) for b in barres)
    assert any(n < 3 for n in years.values())
