"""The small pure checks under load_site: links, Paris times, UAI letters, report wording."""
from datetime import datetime

import pytest

from generator.links import find_links, link_problem
from generator.referentiel import uai_problem
from generator.report import Report
from generator.validate import paris_problem

PAGES = {"", "guides/", "guides/se-connecter/", "plannings/intra-2027/"}


def test_find_links_keeps_file_lines_and_skips_code():
    body = (
        "Voir [le guide](/guides/se-connecter/ \"titre\") et ![logo](/fichiers/logo.png).\n"
        "```\n[pas un lien](/code/)\n```\n"
        "Le code `[x](/span/)` non plus, mais <a href=\"/plannings/intra-2027/\">oui</a>.\n"
        "[ref]: /guides/\n"
    )
    assert find_links(body, 10) == [
        (10, "/guides/se-connecter/"), (10, "/fichiers/logo.png"), (14, "/plannings/intra-2027/"), (15, "/guides/"),
    ]


@pytest.mark.parametrize(("href", "expected"), [
    ("/guides/se-connecter/#etape-1", None),
    ("/guides/se-connecter/index.html", None),
    ("https://www.education.gouv.fr/", None),
    ("mailto:assistance@ac-exemple.example", None),
    ("#haut", None),
    ("/app/mobilite/voeu?campagne=intra-2027", None),
    ("/fichiers/present.pdf", None),
    ("/fichiers/absent.pdf", "le lien « /fichiers/absent.pdf » mène à un fichier absent : ajoutez "
                             "content/fichiers/absent.pdf ou corrigez le lien."),
    ("/guides/se-conecter/", "le lien « /guides/se-conecter/ » ne mène à aucune page du site (voulez-vous dire "
                             "« /guides/se-connecter/ » ?) : corrigez-le (les adresses possibles sont décrites dans "
                             "docs/urls.md)."),
    ("../guides/", "le lien « ../guides/ » est relatif et ne marchera pas depuis toutes les pages : écrivez-le "
                   "depuis la racine du site, avec un « / » devant (« /guides/ »)."),
])
def test_link_problem(href, expected):
    assert link_problem(href, PAGES, lambda target: target == "fichiers/present.pdf", "/app") == expected


@pytest.mark.parametrize(("moment", "kind"), [
    (datetime(2027, 3, 28, 2, 0), "n'existe pas"),
    (datetime(2027, 3, 28, 2, 59), "n'existe pas"),
    (datetime(2026, 10, 25, 2, 0), "ambiguë"),
    (datetime(2026, 10, 25, 2, 59), "ambiguë"),
])
def test_dst_changes_are_refused(moment, kind):
    assert kind in paris_problem(moment)


@pytest.mark.parametrize("moment", [
    datetime(2027, 3, 28, 1, 59), datetime(2027, 3, 28, 3, 0), datetime(2026, 10, 25, 1, 59),
    datetime(2026, 10, 25, 3, 0), datetime(2026, 11, 17, 12, 0),
])
def test_ordinary_times_pass(moment):
    assert paris_problem(moment) is None


def test_uai_check_letter_from_domain_example():
    assert uai_problem("0630021F") is None
    assert uai_problem("0630021G") == ("l'UAI « 0630021G » n'est pas valide : sa lettre de contrôle devrait être "
                                       "« F » (0630021F) ; corrigez le code.")


def test_summary_counts_in_french():
    report = Report()
    assert report.summary() == "aucun problème"
    report.error("a.yaml", 3, "x")
    report.warning("a.yaml", 1, "y")
    assert report.summary() == "1 erreur, 1 avertissement"
    report.error("b.yaml", 1, "z")
    report.warning("b.yaml", 2, "y")
    assert report.summary() == "2 erreurs, 2 avertissements"
    assert [str(p) for p in report] == ["a.yaml:1: avertissement : y", "a.yaml:3: x", "b.yaml:1: z",
                                        "b.yaml:2: avertissement : y"]


def test_bareme_parameters_are_typed(sample_site_dir):
    from generator.load import load_site

    camp = sample_site_dir / "content/campagnes/intra-2027.yaml"
    camp.write_text(camp.read_text(encoding="utf-8") + (
        "  - code: conjoint\n    libelle: Rapprochement de conjoints\n    points: 150,2\n"
        "    avec_enfants: true\n    annees: [190, 325, 475, 600]\n    zone: limitrophes\n"), encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    rule = site.campaign("intra-2027").bareme[1]
    assert rule.params == {"points": 150.2, "avec_enfants": True, "annees": [190, 325, 475, 600],
                           "zone": "limitrophes"}
