"""A campaign's lignes directrices and each step's « note d'information », written once in its file, on its planning."""
from generator.build import build_site
from generator.load import load_site

CAMPAIGN = "content/campagnes/intra-2027.yaml"


def test_planning_links_the_notes_and_the_lignes_directrices(sample_site_dir, tmp_path):
    path = sample_site_dir / CAMPAIGN
    text = path.read_text(encoding="utf-8")
    text = text.replace("phases:\n", "lignes_directrices: https://www.example.org/ldg.pdf\nphases:\n", 1)
    text = text.replace("    fin: 2027-03-31 12:00\n", "    fin: 2027-03-31 12:00\n    note: guides/saisir-ses-voeux/\n", 1)
    path.write_text(text, encoding="utf-8")
    site, report = load_site(str(sample_site_dir))
    assert site is not None, report.lines()
    campaign = site.campaign("intra-2027")
    assert campaign.lignes_directrices == "https://www.example.org/ldg.pdf"
    assert [p.note for p in campaign.phases if p.note] == ["/guides/saisir-ses-voeux/"]
    out = tmp_path / "out"
    build_site(site, out, jobs=1)
    html = (out / "plannings/intra-2027/index.html").read_text(encoding="utf-8")
    base = site.config.base_path
    assert (f'<a class="phase-note" href="{base}guides/saisir-ses-voeux/">Note d\'information'
            '<span class="visually-hidden"> : Saisie des vœux</span></a>') in html
    assert 'Avant de commencer, consultez les <a href="https://www.example.org/ldg.pdf">lignes directrices de gestion</a>.' in html
