"""The committed example academy: every reference resolves and the generated tables match the script."""
from __future__ import annotations

import csv
import importlib.util
import shutil
from pathlib import Path

import pytest

from generator.load import load_site
from generator.model import is_valid_uai

ROOT = Path(__file__).resolve().parents[2]
AGENTS_HEADER = (
    "numen;civilite;nom;prenom;date_naissance;corps;grade;echelon;echelon_depuis;discipline;"
    "position;modalite_service;affectation_uai;affectation_depuis;adresse;code_postal;commune;"
    "mail_pro;mail_perso;telephone;portable;situation_familiale;enfants"
)


def load_script():
    spec = importlib.util.spec_from_file_location("make_demo_data", ROOT / "scripts" / "make_demo_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(name: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


@pytest.fixture(scope="module")
def example_site():
    site, report = load_site(str(ROOT))
    assert [str(p) for p in report.problems] == []
    return site


def test_self_check_finds_nothing():
    assert load_script().check() == []


def test_generated_files_match_the_script(tmp_path, monkeypatch):
    script = load_script()
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.setattr(script, "DATA", tmp_path / "data")
    monkeypatch.setattr(script, "CONTENT", tmp_path / "content")
    for path in [*(tmp_path / "data").glob("*.csv"), *(tmp_path / "content" / "fichiers").glob("*")]:
        if path.name not in {"academies.csv", "departements.csv", "communes.csv",
                             "groupements.csv", "disciplines.csv"}:
            path.unlink()
    script.generate()
    for name in ("etablissements.csv", "postes.csv", "agents-demo.csv"):
        assert (tmp_path / "data" / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name
    for pdf in (ROOT / "content" / "fichiers").glob("*.pdf"):
        assert (tmp_path / "content" / "fichiers" / pdf.name).read_bytes() == pdf.read_bytes(), pdf.name


def test_every_uai_has_its_check_letter_and_its_departement():
    etabs = rows("etablissements")
    communes = {c["code"]: c for c in rows("communes")}
    assert len(etabs) >= 150
    assert [e["uai"] for e in etabs if not is_valid_uai(e["uai"])] == []
    assert [e["uai"] for e in etabs if communes[e["commune"]]["departement"] != e["uai"][:3]] == []


def test_the_seed_lycee_is_there():
    fayette = next(e for e in rows("etablissements") if e["uai"] == "0630021F")
    assert (fayette["type"], fayette["nom"], fayette["adresse"], fayette["commune"]) == (
        "LPO", "Lycée des métiers La Fayette", "21 boulevard Robert Schuman", "63113")


def test_references_resolve_through_the_model(example_site):
    ref = example_site.referentiel
    for etab in ref.etablissements.values():
        commune = ref.communes[etab.commune]
        assert ref.academies[ref.departements[commune.departement].academie].libelle == "Montferrand"
    assert {d.academie for d in ref.departements.values() if d.code in {"003", "015", "043", "063"}} == {"06"}
    assert len(ref.communes) >= 40 and len(ref.groupements) >= 8
    for poste in example_site.postes:
        campaign = example_site.campaign(poste.campagne)
        assert campaign.mouvement(poste.mouvement) is not None
        assert poste.uai in ref.etablissements and poste.discipline_code in ref.disciplines
    assert len(example_site.postes) >= 300


def test_campaigns_carry_the_announced_rules(example_site):
    by_slug = {c.slug: c for c in example_site.campaigns}
    assert (by_slug["inter-2027"].voeu_limit, by_slug["inter-2027"].voeu_types) == (31, ("ACA",))
    spe = by_slug["specifique-2027"]
    assert (spe.voeu_limit, spe.voeu_types) == (15, ("ETB", "COM", "GEO", "DPT", "ACA"))
    assert spe.mouvement("CPGE").disciplines == ("L1300", "L1500")
    assert [m.code for m in spe.mouvements if not m.lettre_motivation] == ["OCCITAN"]
    assert {p.max_size_ko for p in spe.pieces} == {300}
    assert by_slug["intra-2027"].voeu_limit == 25
    saisie = spe.saisie
    assert (saisie.start.hour, saisie.end.hour, str(saisie.start.tzinfo)) == (12, 12, "Europe/Paris")


def test_agents_file_has_the_import_header_and_the_wanted_cases():
    text = (ROOT / "data" / "agents-demo.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == AGENTS_HEADER
    agents = rows("agents-demo")
    names = [(a["prenom"], a["nom"]) for a in agents]
    assert ("Jean", "Dupont") in names
    assert sum(1 for p, n in names if p.startswith("J") and n == "Martin") == 2
    assert {a["corps"] for a in agents} == {
        "professeur certifié", "professeur agrégé", "professeur de lycée professionnel",
        "conseiller principal d'éducation", "professeur des écoles"}
    etabs = {e["uai"] for e in rows("etablissements")}
    assert all(a["affectation_uai"] in etabs and len(a["numen"]) == 13 for a in agents)
    assert len({a["numen"] for a in agents}) == len(agents)


def test_a_place_names_one_etablissement():
    """« Lycée professionnel de l'Artense » once in the académie (it named 0030598J and 0033383L)."""
    script = load_script()
    etabs = rows("etablissements")
    places = [e["nom"] for e in etabs if any(e["nom"].endswith(f" {p}") for p in script.PLACES)]
    assert sorted(places) == sorted(set(places))
    names = {e["uai"]: e["nom"] for e in etabs}
    assert names["0030598J"] != names["0033383L"]
    assert len({(e["commune"], e["nom"]) for e in etabs}) == len(etabs)  # carriere check would warn
