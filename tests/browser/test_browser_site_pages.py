"""Every page type of the published site: zero axe-core violations, no sideways scroll, screenshots; the RGAA
criteria content/accessibilite.yaml declares hold against what axe-core finds.

Screenshots land in build/screenshots/ (git-ignored) at desktop and mobile widths, for a person to look at.
"""
from collections import defaultdict

import pytest

import carriere_kit as kit

PAGE_TYPES = [
    "accueil", "guides", "guide", "notes", "note", "plannings", "planning", "postes",
    "postes-campagne", "postes-discipline", "comparateur", "comparateur-discipline", "recherche", "plan-du-site",
    "accessibilite", "mentions-legales", "donnees-personnelles", "404",
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


def axe_results(page, name):
    """The whole axe-core answer for the page shown (passes and inapplicable rules included)."""
    from axe_playwright_python.sync_playwright import Axe

    exclude = LONG_TABLE_TAIL if name == "postes-campagne" else None
    return Axe().run(page, context={"exclude": [[sel] for sel in exclude]} if exclude else None).response


def rgaa_criteria(rule) -> set[str]:
    """The RGAA criteria an axe-core rule checks: its tags RGAA-11.1.1 name test 1 of criterion 11.1."""
    return {tag[len("RGAA-"):].rsplit(".", 1)[0] for tag in rule["tags"] if tag.startswith("RGAA-")}


def declared(site, status=None):
    """criterion number -> Criterion of content/accessibilite.yaml (all, or those with this status)."""
    audit = site.accessibility_audit
    assert audit is not None, "le site d'exemple ne publie pas content/accessibilite.yaml"
    return {c.number: c for c in audit.criteria if status is None or c.status == status}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type(page, example_site, site_pages, name, width):
    page.set_viewport_size(WIDTHS[width])
    open_page_type(page, example_site, site_pages, name)
    kit.screenshot(page, f"{name}-{width}")

    results = axe_results(page, name)
    conformes = declared(example_site, "conforme")
    contradicted = [
        f"{conformes[number].source}: le critère {number} est déclaré conforme mais axe-core signale "
        f"« {v['id']} » ({v['help']}) : corrigez la page, ou déclarez le critère non conforme avec le contenu "
        "concerné et la raison."
        for v in results["violations"] for number in sorted(rgaa_criteria(v)) if number in conformes
    ]
    violations = [f"{v['id']} [{v.get('impact')}] {node['target']} — {v['help']} ({v['helpUrl']})"
                  for v in results["violations"] for node in v["nodes"]]
    assert not violations, f"axe-core, {site_pages[name]} ({width}) :\n" + "\n".join(contradicted + violations)

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{site_pages[name]} ({width}) défile de {overflow} px vers la droite"


def contradictions(criteria, ran, passed, violated) -> list[str]:
    """What content/accessibilite.yaml says against what axe-core found (rule ids by criterion; pages in
    passed, "rule (page)" in violated), one `path:line: message` each."""
    problems = []
    for number, c in criteria.items():
        if c.status == "conforme" and violated[number]:
            problems.append(f"{c.source}: le critère {number} est déclaré conforme mais axe-core signale "
                            f"{', '.join(sorted(violated[number]))} : corrigez ces pages, ou déclarez-le non conforme.")
        if c.verification != "axe-core":
            continue
        if not ran[number]:
            problems.append(f"{c.source}: aucune règle d'axe-core exécutée ne vérifie le critère {number} : "
                            "écrivez « verification: manuelle » si une personne l'a vérifié.")
        elif c.status == "conforme" and not passed[number]:
            problems.append(f"{c.source}: le critère {number} est déclaré conforme mais axe-core ne trouve aucun "
                            f"élément à vérifier ({', '.join(sorted(ran[number]))}) : s'il ne s'applique pas au "
                            "site, déclarez-le « non applicable ».")
        elif c.status == "non applicable" and (passed[number] or violated[number]):
            found = sorted(passed[number] | {v.rsplit(" (", 1)[1].rstrip(")") for v in violated[number]})
            problems.append(f"{c.source}: le critère {number} est déclaré non applicable mais axe-core trouve des "
                            f"éléments concernés sur {', '.join(found)} : évaluez-le (conforme ou non conforme).")
    return problems


def test_declared_criteria_hold_against_axe(page, example_site, site_pages):
    """What content/accessibilite.yaml says axe-core checks, axe-core checks, on every page type:
    « conforme » has something to pass and no violation, « non applicable » has nothing to apply to."""
    ran, passed, violated = defaultdict(set), defaultdict(set), defaultdict(set)
    for name in PAGE_TYPES:
        open_page_type(page, example_site, site_pages, name)
        results = axe_results(page, name)
        for kind in ("passes", "violations", "incomplete", "inapplicable"):
            for rule in results[kind]:
                for number in rgaa_criteria(rule):
                    ran[number].add(rule["id"])
                    if kind == "passes":
                        passed[number].add(name)
                    elif kind == "violations":
                        violated[number].add(f"{rule['id']} ({name})")
    problems = contradictions(declared(example_site), ran, passed, violated)
    assert not problems, "\n".join(problems)


def test_contradictions_name_the_declaration_line():
    """Each way a declaration can disagree with axe-core gets its own message (no browser needed)."""
    from generator.model import Criterion, SourceRef

    def c(number, status, verification, line):
        return Criterion(number, status, verification, "", "", SourceRef("content/accessibilite.yaml", line))

    criteria = {"3.2": c("3.2", "conforme", "axe-core", 3), "13.9": c("13.9", "conforme", "axe-core", 4),
                "11.13": c("11.13", "conforme", "axe-core", 5), "2.1": c("2.1", "non applicable", "axe-core", 6),
                "9.1": c("9.1", "conforme", "manuelle", 7)}
    ran = defaultdict(set, {"3.2": {"color-contrast"}, "11.13": {"autocomplete-valid"}, "2.1": {"frame-title"},
                            "9.1": {"p-as-heading"}})
    passed = defaultdict(set, {"3.2": {"accueil"}})
    violated = defaultdict(set, {"3.2": {"color-contrast (guide)"}, "2.1": {"frame-title (note)"},
                                 "9.1": {"p-as-heading (guides)"}})
    assert contradictions(criteria, ran, passed, violated) == [
        "content/accessibilite.yaml:3: le critère 3.2 est déclaré conforme mais axe-core signale color-contrast "
        "(guide) : corrigez ces pages, ou déclarez-le non conforme.",
        "content/accessibilite.yaml:4: aucune règle d'axe-core exécutée ne vérifie le critère 13.9 : écrivez "
        "« verification: manuelle » si une personne l'a vérifié.",
        "content/accessibilite.yaml:5: le critère 11.13 est déclaré conforme mais axe-core ne trouve aucun élément "
        "à vérifier (autocomplete-valid) : s'il ne s'applique pas au site, déclarez-le « non applicable ».",
        "content/accessibilite.yaml:6: le critère 2.1 est déclaré non applicable mais axe-core trouve des éléments "
        "concernés sur note : évaluez-le (conforme ou non conforme).",
        "content/accessibilite.yaml:7: le critère 9.1 est déclaré conforme mais axe-core signale p-as-heading "
        "(guides) : corrigez ces pages, ou déclarez-le non conforme.",
    ]
