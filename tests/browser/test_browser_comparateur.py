"""A visitor of the comparateur de mobilité: chooses a discipline and a zone, reads the chart and its table;
finds it from the search and the planning; reads it all without JavaScript. (Axe-core on the comparateur's
page types at both widths: test_browser_site_pages.py; the Nu validator on every page: tests/quality.)"""
import re

import pytest
from playwright.sync_api import expect

from generator.barres import barres_by_voeu
from generator.frnombres import compte, nombre, points

import carriere_kit as kit

DISCIPLINE, LIBELLE, COMMUNE, ZONE = "L1300", "Mathématiques", "63113", "Clermont-Ferrand (Puy-de-Dôme)"


@pytest.fixture(scope="session")
def barres(example_site):
    found = barres_by_voeu(example_site.barres)
    assert ("intra", DISCIPLINE, "COM", COMMUNE, "") in found, "le site d'exemple n'a pas de barre à Clermont-Ferrand"
    return found


def years_of(example_site, mouvement, discipline):
    return sorted({b.annee for b in example_site.barres if (b.mouvement, b.discipline) == (mouvement, discipline)})


def expected_rows(example_site, barres, key):
    """The table's rows, as the visitor reads them: year, barre, entrants (or « non publiée »)."""
    by_year = {b.annee: b for b in barres[key]}
    rows = []
    for year in years_of(example_site, key[0], key[1]):
        b = by_year.get(year)
        if b is None:
            rows.append([str(year), "non publiée"])
        elif b.barre is None:
            rows.append([str(year), "aucun entrant", "0"])
        else:
            rows.append([str(year), points(b.barre), nombre(b.entrants)])
    return rows


def test_choose_a_discipline_then_a_zone_and_read_its_chart_and_table(page, example_site, barres):
    page.goto("")
    page.get_by_role("link", name="Comparateur de mobilité").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparateur de mobilité")
    intra = page.get_by_role("region", name="Mouvement intra-académique")
    intra.get_by_role("link", name=LIBELLE, exact=True).click()
    expect(page).to_have_url(re.compile(r"/comparateur/intra-l1300/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{LIBELLE} : barres du mouvement intra-académique")

    total = sum(1 for key in barres if key[:2] == ("intra", DISCIPLINE))
    status = page.get_by_role("status")
    expect(status).to_have_text(f"{compte(total, 'vœu affiché', 'vœux affichés')}.")
    page.get_by_label(re.compile("^Rechercher un vœu")).fill("Clermont-Ferrand")
    zone = page.locator("#com-63113")
    expect(zone).to_be_visible()
    shown = page.locator("[data-zone]:visible")
    expect(status).to_have_text(re.compile(rf"^\d+ vœux? affichés? sur {total}\.$"))
    for heading in shown.get_by_role("heading", level=3).all_inner_texts():
        assert "clermont" in heading.lower(), heading
    expect(page.get_by_role("heading", name="Établissements", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Zones de remplacement"), level=2)).to_be_hidden()

    years = years_of(example_site, "intra", DISCIPLINE)
    chart = zone.get_by_role("img", name=f"Barres de {years[0]} à {years[-1]} : {ZONE}")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100, box
    key = ("intra", DISCIPLINE, "COM", COMMUNE, "")
    for b in barres[key]:
        if b.barre is not None:
            expect(chart).to_contain_text(points(b.barre))
    table = zone.get_by_role("table", name=f"Barres et entrants : {ZONE}")
    cells = [[c.strip() for c in row.split("\t")] for row in table.locator("tbody tr").all_inner_texts()]
    assert cells == expected_rows(example_site, barres, key)


def test_the_address_chooses_the_zone(page):
    page.goto("comparateur/intra-l1300/?zone=0630021F")
    expect(page.get_by_label(re.compile("^Rechercher un vœu"))).to_have_value("0630021F")
    expect(page.locator("[data-zone]:visible")).to_have_count(1)
    expect(page.locator("#etb-0630021f")).to_be_visible()


def test_search_finds_the_comparateur_of_a_discipline(page):
    page.goto("recherche/")
    page.get_by_role("searchbox").fill("barres mathématiques")
    link = page.get_by_role("link", name="Barres : Mathématiques, mouvement intra-académique")
    expect(page.get_by_role("listitem").filter(has=link)).to_contain_text("Comparateur de mobilité")
    link.click()
    expect(page).to_have_url(re.compile(r"/comparateur/intra-l1300/$"))


def test_the_planning_leads_to_last_years_barres(page, example_site):
    campaign = next(c for c in example_site.campaigns if c.kind == "intra")
    page.goto(campaign.url)
    page.get_by_role("link", name="Barres des années précédentes : mouvement intra-académique").click()
    expect(page).to_have_url(re.compile(r"/comparateur/#mouvement-intra$"))
    expect(page.get_by_role("heading", name="Mouvement intra-académique", level=2)).to_be_in_viewport()


def test_everything_is_readable_without_javascript(browser, base_url, barres, example_site):
    context = browser.new_context(java_script_enabled=False, base_url=base_url, viewport=kit.MOBILE)
    try:
        page = context.new_page()
        page.goto("comparateur/intra-l1300/")
        expect(page.get_by_label(re.compile("^Rechercher un vœu"))).to_be_hidden()
        page.get_by_role("navigation", name="Types de vœu").get_by_role("link", name=re.compile("^Communes")).click()
        expect(page).to_have_url(re.compile(r"#t-com$"))
        total = sum(1 for key in barres if key[:2] == ("intra", DISCIPLINE))
        expect(page.get_by_role("img", name=re.compile("^Barres de"))).to_have_count(total)
        expect(page.locator("table.barres")).to_have_count(total)
        zone = page.locator("#com-63113")
        table = zone.get_by_role("table")
        cells = [[c.strip() for c in row.split("\t")] for row in table.locator("tbody tr").all_inner_texts()]
        assert cells == expected_rows(example_site, barres, ("intra", DISCIPLINE, "COM", COMMUNE, ""))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"la page défile de {overflow} px vers la droite à 375 px"
    finally:
        context.close()
