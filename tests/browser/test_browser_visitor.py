"""A visitor of the published site, by label and role: search a guide, filter postes, download them."""
import csv
import io
import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

import carriere_kit as kit

# The columns of data/postes (docs/content-format.md): the download carries at least these.
DATA_COLUMNS = {"code_poste", "campagne", "mouvement", "uai", "discipline_code", "specificite", "profil",
                "etat", "education_prioritaire", "publie_le", "contact"}


@pytest.fixture(scope="session")
def campagne(example_site):
    slug = kit.postes_campaign(example_site)
    assert slug, "le site d'exemple n'a aucun poste vacant"
    return slug


def commune_of(site, poste):
    return site.referentiel.communes[site.referentiel.etablissements[poste.uai].commune]


def pick_commune(site, campagne):
    """A commune with several postes whose name is not part of another listed commune's name."""
    postes = [p for p in site.postes if p.campagne == campagne]
    names = {commune_of(site, p).libelle for p in postes}
    counts: dict[str, int] = {}
    for p in postes:
        name = commune_of(site, p).libelle
        counts[name] = counts.get(name, 0) + 1
    unique = [n for n in names if not any(n.lower() in other.lower() for other in names - {n})]
    best = max(unique, key=lambda n: (counts[n], n))
    assert 1 < counts[best] < len(postes), "les données ne permettent pas d'essayer le filtre"
    return best, counts[best]


def test_search_leads_to_a_guide(page, example_site):
    guide = next(g for g in example_site.guides if g.slug == "joindre-un-rapport-d-inspection")
    page.goto("")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name=re.compile("Recherche", re.I)
    ).click()
    page.get_by_role("searchbox").fill("rapport d'inspection")
    page.get_by_role("link", name=guide.title).first.click()
    expect(page).to_have_url(re.compile(re.escape(guide.url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(guide.title)


def test_search_finds_the_postes_of_a_commune(page, example_site):
    """« Issoire » in the search box lists its établissements' postes; one leads to their filtered table."""
    ref = example_site.referentiel
    at_issoire = [p for p in example_site.postes if ref.communes[ref.etablissements[p.uai].commune].libelle == "Issoire"]
    assert at_issoire, "le site d'exemple n'a aucun poste à Issoire"
    poste = at_issoire[0]
    etab = ref.etablissements[poste.uai]
    page.goto("recherche/")
    page.get_by_role("searchbox").fill("Issoire")
    link = page.get_by_role("link", name=f"{etab.type} {etab.nom} (Issoire)").first
    expect(link).to_be_visible()
    expect(page.get_by_role("listitem").filter(has=link)).to_contain_text("Postes vacants")
    link.click()

    expect(page).to_have_url(re.compile(rf"/postes/[a-z0-9-]+/\?etablissement={poste.uai}$"))
    campagne = urlsplit(page.url).path.strip("/").split("/")[1]
    mine = [p for p in example_site.postes if p.campagne == campagne and p.uai == poste.uai]
    total = sum(1 for p in example_site.postes if p.campagne == campagne)
    expect(page.get_by_label(re.compile("^Établissement", re.I))).to_have_value(poste.uai)
    visible = page.get_by_role("table").first.locator("tbody tr:visible")
    expect(visible).to_have_count(len(mine))
    assert sorted(t.split("\t")[0].strip() for t in visible.all_inner_texts()) == sorted(p.code_poste for p in mine)
    noun = "poste affiché" if len(mine) < 2 else "postes affichés"
    expect(page.get_by_role("status")).to_have_text(f"{len(mine)} {noun} sur {total}.")


@pytest.mark.parametrize("by", ["uai", "code_poste"])
def test_search_finds_a_poste_by_uai_or_code(page, example_site, campagne, by):
    poste = next(p for p in example_site.postes if p.campagne == campagne)
    etab = example_site.referentiel.etablissements[poste.uai]
    page.goto("recherche/")
    page.get_by_role("searchbox").fill(getattr(poste, by))
    results = page.get_by_role("list").filter(has=page.get_by_role("link", name=re.compile(re.escape(etab.nom))))
    expect(results.get_by_role("link").first).to_have_attribute("href", re.compile(rf"\?etablissement={poste.uai}$"))
    if by == "code_poste":
        expect(page.get_by_role("status")).to_have_text(f"1 résultat pour « {poste.code_poste} ».")


def test_filter_postes_by_commune(page, example_site, campagne):
    commune, expected = pick_commune(example_site, campagne)
    page.goto(f"postes/{campagne}/")
    table = page.get_by_role("table").first
    rows = table.locator("tbody tr")
    total = sum(1 for p in example_site.postes if p.campagne == campagne)
    expect(rows).to_have_count(total)

    status = page.get_by_role("status")
    expect(status).to_have_text(f"{total} postes affichés.")
    page.get_by_label(re.compile("^Commune", re.I)).fill(commune)
    visible = table.locator("tbody tr:visible")
    expect(visible).to_have_count(expected)
    for text in visible.all_inner_texts():
        assert commune in text, f"une ligne affichée n'est pas à {commune} : {text!r}"
    expect(status).to_have_text(f"{expected} postes affichés sur {total}.")


def test_filter_count_agrees_with_one_and_zero(page, example_site, campagne):
    """« 1 poste affiché », « 0 poste affiché »: 0 and 1 take the singular."""
    postes = [p for p in example_site.postes if p.campagne == campagne]
    total = len(postes)
    page.goto(f"postes/{campagne}/")
    status = page.get_by_role("status")
    page.get_by_label(re.compile("^Établissement", re.I)).fill(postes[0].code_poste)  # no établissement has it
    expect(status).to_have_text(f"0 poste affiché sur {total}.")
    alone = next(uai for uai in {p.uai for p in postes} if sum(p.uai == uai for p in postes) == 1)
    page.get_by_label(re.compile("^Établissement", re.I)).fill(alone)
    expect(status).to_have_text(f"1 poste affiché sur {total}.")
    expect(page.get_by_role("table").first.locator("tbody tr:visible")).to_have_count(1)


def test_filter_count_separates_thousands(page, tmp_path):
    """A campaign of 1 200 postes: « 1 200 postes affichés », then « 1 198 postes affichés sur 1 200 »."""
    from generator.build import build_site
    from generator.load import load_site

    root = tmp_path / "site"
    shutil.copytree(kit.ROOT / "tests" / "fixtures" / "sample-site", root)
    table = root / "data" / "postes.csv"
    extra = [f"Q{i:04d};intra-2027;GEN;0630021F;L1300;;;V;;2027-03-15;" for i in range(1197)]
    table.write_text(table.read_text(encoding="utf-8") + "\n".join(extra) + "\n", encoding="utf-8")
    site, report = load_site(root)
    assert site is not None, report.lines()
    build_site(site, tmp_path / "out", jobs=1)
    server = kit.LiveServer(kit.static_site_app(tmp_path / "out"))
    try:
        page.goto(server.url + "postes/intra-2027/")
        status = page.get_by_role("status")
        expect(status).to_have_text("1\u202f200 postes affichés.")
        page.get_by_label(re.compile("^Discipline", re.I)).fill("L1300")
        expect(status).to_have_text("1\u202f198 postes affichés sur 1\u202f200.")
    finally:
        server.stop()


def test_download_postes_csv(page, example_site, campagne):
    page.goto(f"postes/{campagne}/")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"\bCSV\b")).first.click()
    download = info.value
    assert download.suggested_filename == f"{campagne}.csv"
    raw = download.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "le CSV doit commencer par une marque d'ordre (BOM) pour les tableurs"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert DATA_COLUMNS <= set(header), f"colonnes absentes : {DATA_COLUMNS - set(header)}"
    postes = {p.code_poste: p for p in example_site.postes if p.campagne == campagne}
    records = [dict(zip(header, r)) for r in rows[1:]]
    assert len(records) == len(postes)
    assert {r["code_poste"] for r in records} == set(postes)
    for r in records:
        poste = postes[r["code_poste"]]
        assert (r["uai"], r["discipline_code"], r["mouvement"]) == (poste.uai, poste.discipline_code, poste.mouvement)
        if "commune" in r:
            assert r["commune"] == commune_of(example_site, poste).libelle


def test_poste_links_into_the_app(page, example_site, campagne):
    poste = next(p for p in example_site.postes if p.campagne == campagne)
    page.goto(f"postes/{campagne}/")
    row = page.get_by_role("row").filter(has_text=poste.code_poste)
    link = row.get_by_role("link", name=re.compile("Ajouter à mes vœux"))
    href = link.get_attribute("href")
    parts = urlsplit(href)
    assert parts.path == f"{example_site.config.app_url}/mobilite/voeu"
    assert parse_qs(parts.query) == {
        "campagne": [campagne], "type": ["ETB"], "code": [poste.uai], "poste": [poste.code_poste],
    }


def test_home_services_lead_to_the_guides(page, example_site):
    """The « Services en ligne » cards of the home page include « Guides », to the guides index."""
    page.goto("")
    services = page.get_by_role("region", name="Services en ligne")
    services.get_by_role("link", name="Guides", exact=True).click()
    expect(page).to_have_url(re.compile(r"/guides/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Guides")
    for guide in example_site.guides:
        expect(page.get_by_role("link", name=guide.title, exact=True)).to_be_visible()
