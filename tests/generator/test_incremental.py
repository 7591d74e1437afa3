"""Incremental builds: an edit re-renders the page it feeds and the pages that list it, nothing else."""
from datetime import datetime
from pathlib import Path

import pytest

from generator.build import build_site
from generator.load import load_site
from generator.model import PARIS

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)
LISTINGS_OF_A_GUIDE = {"index.html", "guides/index.html", "plan-du-site/index.html", "recherche/index.json"}


def rebuild(root: Path, out: Path, now: datetime = NOW) -> list[str]:
    site, report = load_site(root)
    assert site is not None, report.lines()
    return sorted(build_site(site, out, now=now, jobs=1).rendered)


@pytest.fixture
def first_build(sample_site_dir, tmp_path):
    out = tmp_path / "build" / "site"
    rendered = rebuild(sample_site_dir, out)
    assert len(rendered) > 20
    return sample_site_dir, out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_nothing_changed_nothing_rendered(first_build):
    root, out = first_build
    assert rebuild(root, out) == []


def test_guide_body_edit_renders_only_that_guide(first_build):
    root, out = first_build
    edit(root / "content/guides/se-connecter.md", "en minuscules.", "en minuscules, sans accent.")
    assert rebuild(root, out) == ["guides/se-connecter/index.html"]
    assert "sans accent" in (out / "guides/se-connecter/index.html").read_text(encoding="utf-8")


def test_guide_heading_edit_also_renders_the_search_index(first_build):
    root, out = first_build
    edit(root / "content/guides/se-connecter.md", "## Votre identifiant", "## Votre identifiant de connexion")
    assert rebuild(root, out) == ["guides/se-connecter/index.html", "recherche/index.json"]


def test_guide_title_edit_renders_the_pages_listing_it(first_build):
    root, out = first_build
    edit(root / "content/guides/se-connecter.md", "titre: Se connecter au portail", "titre: Se connecter")
    rendered = rebuild(root, out)
    assert set(rendered) == {"guides/se-connecter/index.html", *LISTINGS_OF_A_GUIDE}


def test_template_edit_renders_the_pages_using_it(first_build):
    root, out = first_build
    overrides = root / "gabarits" / "site"
    overrides.mkdir(parents=True)
    project = Path(__file__).resolve().parents[2] / "templates" / "site" / "guide.html"
    (overrides / "guide.html").write_text(
        project.read_text(encoding="utf-8").replace("<h1>", '<h1 class="academie">'), encoding="utf-8")
    site_yaml = root / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "templates: gabarits\n", encoding="utf-8")
    rendered = rebuild(root, out)
    # The override folder is part of the configuration, so every page is rendered once...
    assert len(rendered) > 20
    # ...then an edit of the override renders the guides only.
    edit(overrides / "guide.html", 'class="academie"', 'class="academie-titre"')
    site, _ = load_site(root)
    assert rebuild(root, out) == sorted(f"guides/{g.slug}/index.html" for g in site.guides)
    assert '<h1 class="academie-titre">' in (out / "guides/se-connecter/index.html").read_text(encoding="utf-8")


def test_campaign_edit_renders_its_planning_ics_and_listings(first_build):
    root, out = first_build
    edit(root / "content/campagnes/intra-2027.yaml", "titre: ", "titre: Nouveau ")
    rendered = set(rebuild(root, out))
    assert {"plannings/intra-2027/index.html", "plannings/intra-2027.ics", "plannings/index.html",
            "index.html", "recherche/index.json", "plan-du-site/index.html"} <= rendered
    # The note de service of the campaign names it under "Campagnes concernées"; guides do not.
    assert "notes-de-service/2026-123/index.html" in rendered
    assert not any(p.startswith("guides/") for p in rendered)


def test_a_state_change_renders_the_plannings_again(first_build):
    root, out = first_build
    later = datetime(2027, 7, 1, 10, 0, tzinfo=PARIS)  # every phase of the sample campaign is over
    rendered = rebuild(root, out, now=later)
    assert "plannings/intra-2027/index.html" in rendered
    assert not any(p.startswith("guides/") for p in rendered)


def test_a_poste_edit_renders_the_postes_search_file_not_a_guide_title_edit(first_build):
    """recherche/postes.json follows the postes only: a guide's title leaves it alone."""
    root, out = first_build
    edit(root / "content/guides/se-connecter.md", "titre: Se connecter au portail", "titre: Se connecter")
    assert "recherche/postes.json" not in rebuild(root, out)
    edit(root / "data/postes.csv", "Section européenne", "Section internationale")
    assert "recherche/postes.json" in rebuild(root, out)
