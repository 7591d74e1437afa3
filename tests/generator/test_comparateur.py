"""The « comparateur de mobilité » pages: zones, charts and tables, links from the rest of the site, incremental
builds (a barres edit renders its page, a guide edit none)."""
import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import comparateur
from generator.build import MANIFEST, build_site
from generator.comparateur import READING_ID, Labels, Zone, chart_and_table, make_zones, nice_scale, zones_html
from generator.frnombres import points
from generator.load import load_site
from generator.model import PARIS

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)
PAGE = "comparateur/intra-l1300/index.html"


@pytest.mark.parametrize(("top", "scale"), [(0, 1), (21, 25), (28, 30), (92, 100), (101, 120), (1012.5, 1200),
                                            (212, 250), (480, 500), (1200, 1200), (7.5, 8)])
def test_scales_are_round(top, scale):
    assert nice_scale(top) == scale


@pytest.mark.parametrize(("value", "text"), [(412, "412"), (412.5, "412,5"), (150.2, "150,2"),
                                             (1012.5, "1\u202f012,5"), (0, "0"), (1200.0, "1\u202f200")])
def test_points_in_french(value, text):
    assert points(value) == text


def zones_of(site):
    rows = [tuple(b) for b in site.barres if (b.mouvement, b.discipline) == ("intra", "L1300")]
    return make_zones(rows, (2025, 2026), Labels(site.referentiel))


def test_zones_broad_to_precise_with_labels(sample_site):
    zones = zones_of(sample_site)
    assert [(z.anchor, z.label, z.detail) for z in zones] == [
        ("aca-exe", "Académie d'Exemple", ""),
        ("dpt-063", "Puy-de-Dôme (063)", ""),
        ("dpt-063-lyc", "Puy-de-Dôme (063) — lycée", ""),
        ("geo-063951", "Agglomération clermontoise (Puy-de-Dôme)", ""),
        ("com-63113", "Clermont-Ferrand (Puy-de-Dôme)", ""),
        ("etb-0630021f", "Lycée Blaise-Pascal, Clermont-Ferrand", "0630021F"),
    ]
    by_anchor = {z.anchor: z for z in zones}
    assert by_anchor["dpt-063-lyc"].values == ((120.0, 3), None)  # nothing published in 2026
    assert by_anchor["etb-0630021f"].values == ((None, 0), (1012.5, 1))  # nobody entered in 2025


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each tag path."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data.strip())


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def test_chart_is_an_image_with_a_name_and_the_figures_on_one_scale():
    zone = Zone("com-63113", "COM", "63113", "", "Clermont-Ferrand (Puy-de-Dôme)", "",
                ((482.0, 6), (None, 0), None, (250.5, 1)))
    html = chart_and_table(zone, (2023, 2024, 2025, 2026), 500.0)
    svg = html[:html.index("</svg>") + 6]
    found = parse(svg)
    root = found.tags[0]
    assert root[0] == "svg" and root[1]["role"] == "img"
    assert root[1]["aria-describedby"] == READING_ID  # the page's paragraph on how to read the charts
    ids = {attrs.get("id"): tag for tag, attrs in found.tags}
    assert ids[root[1]["aria-labelledby"]] == "title"
    assert "Barres de 2023 à 2026 : Clermont-Ferrand (Puy-de-Dôme)" in found.texts
    table = html[html.index("<table"):]
    assert ('<tbody><tr><th scope="row">2023</th><td>482</td><td>6</td></tr>'
            '<tr><th scope="row">2024</th><td>aucun entrant</td><td>0</td></tr>'
            '<tr><th scope="row">2025</th><td colspan="2">non publiée</td></tr>'
            '<tr><th scope="row">2026</th><td>250,5</td><td>1</td></tr></tbody>') in table
    assert not any("style" in attrs for _, attrs in found.tags)  # CSP: colours come from theme.css classes
    bars = [attrs for tag, attrs in found.tags if tag == "rect"]
    assert [(b["y"], b["height"]) for b in bars] == [("25.6", "96.4"), ("71.9", "50.1")]  # 482/500, 250.5/500
    for text in ("482", "250,5", "6 entrants", "1 entrant", "aucun entrant", "non publiée", "0", "250", "500",
                 "2023", "2026"):
        assert text in found.texts, text


def test_each_zone_has_its_chart_then_its_table(sample_site):
    zones = zones_of(sample_site)
    html = str(zones_html(zones, (2025, 2026), (("ACA", 1, 30), ("DPT", 2, 150), ("GEO", 1, 150), ("COM", 1, 250),
                                                 ("ETB", 1, 1200))))
    assert re.findall(r"<h2 id=\"(t-[a-z]+)\">([^<]+)<", html) == [
        ("t-aca", "Académie "), ("t-dpt", "Départements "), ("t-geo", "Groupement de communes "),
        ("t-com", "Commune "), ("t-etb", "Établissement ")]
    block = html[html.index('id="etb-0630021f"'):]
    block = block[:block.index("</table>")]
    assert block.index("<svg") < block.index("<table")
    assert '<span class="uai">0630021F</span>' in block
    assert ('<tr><th scope="row">2025</th><td>aucun entrant</td><td>0</td></tr>'
            '<tr><th scope="row">2026</th><td>1\u202f012,5</td><td>1</td></tr>') in block
    lyc = html[html.index('id="dpt-063-lyc"'):]
    assert '<tr><th scope="row">2026</th><td colspan="2">non publiée</td></tr>' in lyc[:lyc.index("</table>")]


@pytest.fixture
def built(sample_site, tmp_path):
    out = tmp_path / "build" / "site"
    build_site(sample_site, out, now=NOW, jobs=1)
    return out


def test_the_comparateur_is_linked_from_home_planning_plan_and_search(built):
    assert '<a href="/comparateur/">Comparateur de mobilité</a>' in (built / "index.html").read_text(encoding="utf-8")
    planning = (built / "plannings/intra-2027/index.html").read_text(encoding="utf-8")
    assert ('<a href="/comparateur/#mouvement-intra">Barres des années précédentes : mouvement '
            "intra-académique</a>") in planning
    index = (built / "comparateur/index.html").read_text(encoding="utf-8")
    assert 'id="mouvement-intra"' in index and '<a href="/comparateur/intra-l1300/">Mathématiques</a>' in index
    assert "6 vœux, de 2025 à 2026" in index and "1 vœu, 2026" in index
    search = json.loads((built / "recherche/index.json").read_text(encoding="utf-8"))
    assert {"k": "Comparateur de mobilité", "u": "comparateur/intra-l1300/",
            "t": "Barres : Mathématiques, mouvement intra-académique", "s": "6 vœux, de 2025 à 2026",
            "x": "intra L1300 barre barème mutation"} in search
    assert {"k": "Page", "u": "comparateur/", "t": "Comparateur de mobilité", "s": "", "x": ""} in search
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://carriere.ac-exemple.example/comparateur/intra-l1300/</loc>" in sitemap
    assert "/comparateur/intra-l1300/" in (built / "plan-du-site/index.html").read_text(encoding="utf-8")


def test_every_chart_is_described_by_the_page(built):
    html = (built / PAGE).read_text(encoding="utf-8")
    assert html.count(f'aria-describedby="{READING_ID}"') == html.count("<svg") == 6
    assert html.count(f'id="{READING_ID}"') == 1


def test_a_planning_without_barres_has_no_link(sample_site_dir, tmp_path):
    (sample_site_dir / "data/barres.csv").write_text(
        "annee;mouvement;discipline;type_voeu;code_voeu;barre;entrants\n2026;inter;L0422;ACA;EXE;342;4\n",
        encoding="utf-8")
    site, _ = load_site(sample_site_dir)
    out = tmp_path / "out"
    build_site(site, out, now=NOW, jobs=1)
    assert "comparateur" not in (out / "plannings/intra-2027/index.html").read_text(encoding="utf-8")


def test_without_barres_the_index_says_so(sample_site_dir, tmp_path):
    (sample_site_dir / "data/barres.csv").unlink()
    site, _ = load_site(sample_site_dir)
    out = tmp_path / "out"
    build_site(site, out, now=NOW, jobs=1)
    assert "Aucune barre n'est publiée pour le moment." in (out / "comparateur/index.html").read_text(encoding="utf-8")
    assert not (out / "comparateur/intra-l1300").exists()
    assert "Comparateur" not in (out / "index.html").read_text(encoding="utf-8")


def rebuild(root: Path, out: Path, cache: bool = False) -> list[str]:
    site, report = load_site(root, out.parent / ".carriere-cache" if cache else None)
    assert site is not None, report.lines()
    return sorted(build_site(site, out, now=NOW, jobs=1).rendered)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("cache", [False, True], ids=["sans-cache", "avec-cache"])
def test_a_barre_edit_renders_its_page_only(sample_site_dir, tmp_path, cache):
    out = tmp_path / "build" / "site"
    rebuild(sample_site_dir, out, cache)
    edit(sample_site_dir / "data/barres.csv", "2026;intra;L1300;DPT;063;;92;6", "2026;intra;L1300;DPT;063;;97;6")
    assert rebuild(sample_site_dir, out, cache) == [PAGE]
    assert "<td>97</td>" in (out / PAGE).read_text(encoding="utf-8")


@pytest.mark.parametrize("cache", [False, True], ids=["sans-cache", "avec-cache"])
def test_a_new_vœu_also_renders_the_index_and_the_search(sample_site_dir, tmp_path, cache):
    out = tmp_path / "build" / "site"
    rebuild(sample_site_dir, out, cache)
    path = sample_site_dir / "data/barres.csv"
    path.write_text(path.read_text(encoding="utf-8") + "2026;intra;L1300;COM;63300;;180;1\n", encoding="utf-8")
    assert rebuild(sample_site_dir, out, cache) == ["comparateur/index.html", PAGE, "recherche/index.json"]


@pytest.mark.parametrize("cache", [False, True], ids=["sans-cache", "avec-cache"])
def test_a_guide_edit_renders_no_comparateur_page(sample_site_dir, tmp_path, cache):
    out = tmp_path / "build" / "site"
    rebuild(sample_site_dir, out, cache)
    edit(sample_site_dir / "content/guides/se-connecter.md", "titre: Se connecter au portail", "titre: Se connecter")
    rendered = rebuild(sample_site_dir, out, cache)
    assert "guides/se-connecter/index.html" in rendered
    assert not any(p.startswith("comparateur/") for p in rendered)


def test_a_label_edit_renders_the_pages_showing_it(sample_site_dir, tmp_path):
    out = tmp_path / "build" / "site"
    rebuild(sample_site_dir, out, cache=True)
    edit(sample_site_dir / "data/communes.yaml", "libelle: Clermont-Ferrand", "libelle: Clermont")
    rendered = rebuild(sample_site_dir, out, cache=True)
    assert PAGE in rendered and "comparateur/inter-l0422/index.html" in rendered  # the référentiel's digest
    assert "Clermont (Puy-de-Dôme)" in (out / PAGE).read_text(encoding="utf-8")


def test_with_the_cache_an_unchanged_table_derives_no_zone(sample_site_dir, tmp_path, monkeypatch):
    """The summary in the manifest stands for the zones: a guide edit reads no barre."""
    out = tmp_path / "build" / "site"
    rebuild(sample_site_dir, out, cache=True)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert [g[:2] for g in manifest["derived"]["comparateur"]] == [["inter", "L0422"], ["intra", "L1300"]]

    def refuse(*args):
        raise AssertionError("zones derived although no comparateur page changed")
    monkeypatch.setattr(comparateur, "make_zones", refuse)
    monkeypatch.setattr(comparateur, "bucket_barres", refuse)
    edit(sample_site_dir / "content/guides/se-connecter.md", "en minuscules.", "en minuscules, sans accent.")
    assert rebuild(sample_site_dir, out, cache=True) == ["guides/se-connecter/index.html"]


def test_pages_from_the_cached_summary_are_those_of_a_clean_build(sample_site_dir, tmp_path):
    out = tmp_path / "build" / "site"
    rebuild(sample_site_dir, out, cache=True)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["outputs"] = {k: v for k, v in manifest["outputs"].items() if not k.startswith("comparateur/")}
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = (out / PAGE).read_bytes()
    (out / PAGE).write_bytes(b"")
    rendered = rebuild(sample_site_dir, out, cache=True)
    assert set(rendered) == {"comparateur/index.html", "comparateur/inter-l0422/index.html", PAGE}
    assert (out / PAGE).read_bytes() == before
