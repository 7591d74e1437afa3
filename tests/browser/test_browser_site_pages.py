"""Every page type of the published site: zero axe-core violations, no sideways scroll, screenshots.

Screenshots land in build/screenshots/ (git-ignored) at desktop and mobile widths, for a person to look at.
"""
import pytest

import carriere_kit as kit

PAGE_TYPES = [
    "accueil", "guides", "guide", "notes", "note", "plannings", "planning", "postes",
    "postes-campagne", "postes-discipline", "recherche", "plan-du-site", "accessibilite",
    "mentions-legales", "donnees-personnelles", "404",
]
# A campaign lists hundreds of postes in one table built by the same macro as the smaller pages:
# axe checks its first 20 rows, which keeps the run in seconds.
LONG_TABLE_TAIL = ["tbody tr:nth-child(n+21)"]
WIDTHS = {"bureau": kit.DESKTOP, "mobile": kit.MOBILE}


@pytest.fixture(scope="session")
def site_pages(example_site):
    return dict(kit.page_types(example_site))


def open_page_type(page, site, pages, name):
    """Go to the page as a visitor would; on the search page, type a query and wait for results."""
    assert name in pages, f"le site d'exemple n'a aucune page de type « {name} »"
    response = page.goto(pages[name])
    expected = 404 if name == "404" else 200
    assert response.status == expected, f"{pages[name]} : statut {response.status}"
    if name == "recherche":
        word = max(site.guides[0].title.split(), key=len)
        page.get_by_role("searchbox").fill(word)
        page.get_by_role("link", name=site.guides[0].title).first.wait_for()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type(page, example_site, site_pages, name, width):
    page.set_viewport_size(WIDTHS[width])
    open_page_type(page, example_site, site_pages, name)
    kit.screenshot(page, f"{name}-{width}")

    violations = kit.axe_violations(page, exclude=LONG_TABLE_TAIL if name == "postes-campagne" else None)
    assert not violations, f"axe-core, {site_pages[name]} ({width}) :\n" + "\n".join(violations)

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{site_pages[name]} ({width}) défile de {overflow} px vers la droite"
