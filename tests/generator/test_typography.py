"""French typography of what the site prints: counts agree with their number, thousands are separated."""
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from generator.build import build_site
from generator.frnombres import compte, nombre
from generator.load import load_site
from generator.model import PARIS

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)
N = "\u202f"  # narrow no-break space


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0"), (7, "7"), (999, "999"), (1000, f"1{N}000"), (5000, f"5{N}000"), (20000, f"20{N}000"),
    (1234567, f"1{N}234{N}567"),
])
def test_nombre(n, expected):
    assert nombre(n) == expected


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0 poste affiché"), (1, "1 poste affiché"), (2, "2 postes affichés"), (12, "12 postes affichés"),
    (5000, f"5{N}000 postes affichés"),
])
def test_compte_agrees_in_french(n, expected):
    assert compte(n, "poste affiché", "postes affichés") == expected


def test_compte_adds_an_s_by_default():
    assert (compte(1, "liste"), compte(3, "liste")) == ("1 liste", "3 listes")


def test_thousands_of_postes_are_counted_with_separators(sample_site_dir, tmp_path):
    """1 200 postes: the postes pages, the planning and the search index print « 1 200 »."""
    table = sample_site_dir / "data" / "postes.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    extra = [f"Q{i:04d};intra-2027;GEN;0630021F;L1300;;;V;;2027-03-15;" for i in range(1197)]
    table.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    out = tmp_path / "out"
    build_site(site, out, now=NOW, jobs=1)

    campaign = (out / "postes" / "intra-2027" / "index.html").read_text(encoding="utf-8")
    assert f"data-compte>1{N}200 postes affichés.</p>" in campaign
    assert f"</a> (1{N}198)</li>" in campaign  # the GEN, L1300 list: P0001 and the 1 197 added postes
    assert f"(1{N}199)</a>" in campaign  # the Puy-de-Dôme: P0002 too
    assert "(3 listes)" in campaign
    group = (out / "postes" / "intra-2027" / "spea-l0422" / "index.html").read_text(encoding="utf-8")
    assert "data-compte>1 poste affiché.</p>" in group
    index = (out / "postes" / "index.html").read_text(encoding="utf-8")
    assert f"<p>1{N}200 postes publiés." in index
    planning = (out / "plannings" / "intra-2027" / "index.html").read_text(encoding="utf-8")
    assert f"Consulter les 1{N}200 postes vacants publiés</a>" in planning
    search = json.loads((out / "recherche" / "index.json").read_text(encoding="utf-8"))
    assert {e["s"] for e in search if e["u"] == "postes/intra-2027/"} == {f"1{N}200 postes"}


@pytest.fixture(scope="module")
def example_pages(tmp_path_factory) -> dict[str, str]:
    site, report = load_site(ROOT)
    assert site is not None, report.lines()
    out = tmp_path_factory.mktemp("typo") / "site"
    build_site(site, out, now=NOW, jobs=1)
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
            for p in out.rglob("*") if p.suffix in (".html", ".json", ".ics")}


def test_no_period_after_an_ellipsis(example_pages):
    """« … » already ends a sentence: « ….» is a typo, in the content as in the templates."""
    found = [f"{name}: {m.group(0)!r}" for name, text in example_pages.items()
             for m in re.finditer(r".{0,30}(…|\.\.\.)\s*»?\s*\.", text)]
    assert found == []


def test_no_plural_after_zero_or_one(example_pages):
    found = [f"{name}: {m.group(0)!r}" for name, text in example_pages.items()
             for m in re.finditer(r"(?<![\d\u202f])[01] (postes|listes|vœux|résultats|guides)\b", text)]
    assert found == []
