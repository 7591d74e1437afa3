"""content/accessibilite.yaml: validated with `path:line: message`, the rate computed as the RGAA does,
the statut of content/site.yaml kept within it, the déclaration listing what is not accessible."""
from datetime import datetime

import pytest

from generator.build import build_site
from generator.frnombres import taux
from generator.load import load_site
from generator.model import PARIS, RGAA_CRITERIA, RGAA_THEMES, AccessibilityAudit, Criterion, SourceRef

A = "content/accessibilite.yaml"
S = "content/site.yaml"
N = "\u202f"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)


def test_the_rgaa_has_106_criteria_in_13_themes():
    assert (RGAA_CRITERIA, len(RGAA_THEMES)) == (106, 13)


@pytest.mark.parametrize(("rate", "text"), [
    (100 * 25 / 26, f"96,1{N}%"), (100.0, f"100{N}%"), (50.0, f"50{N}%"), (100 * 1057 / 1058, f"99,9{N}%"),
    (100 * 2 / 3, f"66,6{N}%"),
])
def test_taux_is_cut_never_rounded_up(rate, text):
    assert taux(rate) == text


def audit(*statuses: str) -> AccessibilityAudit:
    where = SourceRef(A, 1)
    numbers = [f"{t}.{n}" for t, (_, count) in RGAA_THEMES.items() for n in range(1, count + 1)]
    return AccessibilityAudit(tuple(Criterion(num, s, "manuelle", "", "", where) for num, s in zip(numbers, statuses)),
                              (), (), where)


def test_rate_and_status_follow_the_rgaa():
    half = audit("conforme", "non conforme", "non applicable")
    assert (half.applicable, half.rate, half.status) == (2, 50.0, "partiellement conforme")
    assert audit("conforme", "non conforme", "non conforme").status == "non conforme"
    assert audit().rate is None and audit().status == "non conforme"
    # Every evaluated criterion conforme, but not all 106 evaluated: not « totalement ».
    assert audit("conforme", "conforme").status == "partiellement conforme"
    assert audit(*["conforme"] * 100, *["non applicable"] * 6).status == "totalement conforme"


def write(root, text: str) -> None:
    (root / A).write_text(text, encoding="utf-8")


GOOD = "criteres:\n  - {critere: 3.2, statut: conforme, verification: axe-core}\n"

# (case, content of content/accessibilite.yaml, expected `path:line: message`)
CASES = [
    ("unknown-theme", "criteres:\n  - {critere: 14.1, statut: conforme, verification: manuelle}\n",
     f"{A}:2: critère « 14.1 » inconnu : le RGAA compte 13 thématiques, numérotées de 1 à 13 ; corrigez le numéro."),
    ("unknown-rank", "criteres:\n  - {critere: 1.12, statut: conforme, verification: manuelle}\n",
     f"{A}:2: critère « 1.12 » inconnu : la thématique 1 (Images) a 9 critères, de 1.1 à 1.9 ; corrigez le numéro."),
    ("unreadable", "criteres:\n  - {critere: 3, statut: conforme, verification: manuelle}\n",
     f"{A}:2: critère « 3 » illisible : écrivez le numéro de la thématique, un point et le numéro du critère, "
     "par exemple 11.1."),
    ("bad-status", "criteres:\n  - critere: 3.2\n    statut: conform\n    verification: manuelle\n",
     f"{A}:3: « statut » doit être conforme, non conforme ou non applicable (lu : « conform ») (voulez-vous dire "
     "« conforme » ?) : corrigez la valeur."),
    ("bad-verification", "criteres:\n  - critere: 3.2\n    statut: conforme\n    verification: axe core\n",
     f"{A}:4: « verification » doit être axe-core, validateur-html ou manuelle (lu : « axe core ») (voulez-vous dire "
     "« axe-core » ?) : corrigez la valeur."),
    ("missing-verification", "criteres:\n  - critere: 3.2\n    statut: conforme\n",
     f"{A}:2: champ « verification » manquant dans ce critère : ajoutez « verification: … »."),
    ("non-conformity-without-content", "criteres:\n  - critere: 13.3\n    statut: non conforme\n"
                                       "    verification: manuelle\n    raison: PDF non balisé\n",
     f"{A}:2: champ « contenu » manquant dans ce critère non conforme (la déclaration publie le contenu concerné "
     "et la raison) : ajoutez « contenu: … »."),
    ("duplicate", GOOD + "  - {critere: 3.2, statut: non conforme, verification: manuelle, contenu: x, raison: y}\n",
     f"{A}:3: le critère 3.2 est déjà déclaré ligne 2 : gardez une seule entrée par critère."),
    ("no-criteria", "derogations: []\n", f"{A}:1: champ « criteres » manquant : ajoutez « criteres: … »."),
    ("derogation-without-reason", GOOD + "derogations:\n  - contenu: Archives numérisées\n",
     f"{A}:4: champ « raison » manquant dans cet élément de « derogations » : ajoutez « raison: … »."),
    ("unknown-key", GOOD + "  - {critere: 8.5, statut: conforme, verification: axe-core, note: x}\n",
     f"{A}:3: avertissement : clé inconnue « note » ignorée : clés possibles : critere, statut, verification, "
     "contenu, raison."),
    ("yaml-syntax", "criteres:\n  - {critere: 3.2, statut: conforme\n",
     f"{A}:3: erreur de syntaxe YAML : « , » ou « }} » attendu ; vérifiez l'indentation, les deux-points et les "
     "guillemets de cette ligne et de la précédente.".replace("}}", "}")),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_declaration_gets_exact_message(sample_site_dir, text, expected):
    write(sample_site_dir, text)
    site, report = load_site(sample_site_dir)
    assert expected in [str(p) for p in report], [str(p) for p in report]
    assert (site is not None) == ("avertissement" in expected)


def test_site_yaml_may_not_claim_more_than_the_rate(sample_site_dir):
    write(sample_site_dir, "criteres:\n  - {critere: 3.2, statut: conforme, verification: axe-core}\n"
                           "  - {critere: 8.5, statut: conforme, verification: axe-core}\n")
    site_yaml = sample_site_dir / S
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("partiellement conforme",
                                                                       "totalement conforme"), encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is None
    assert [str(p) for p in report] == [
        f"{S}:19: « statut » annonce « totalement conforme » mais {A} donne 100{N}% des critères applicables "
        f"sont conformes (2 sur 2), 2 critères évalués sur 106 ; ce statut demande 100 % et tous les critères "
        f"évalués : écrivez « partiellement conforme », ou mettez à jour les critères de {A}."]


def test_site_yaml_saying_less_than_the_rate_is_a_warning(sample_site_dir):
    site_yaml = sample_site_dir / S
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("partiellement conforme", "non conforme"),
                         encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is not None
    assert [str(p) for p in report] == [
        f"{S}:19: avertissement : « statut » annonce « non conforme » alors que {A} donne 66,6{N}% des critères "
        f"applicables sont conformes (2 sur 3), 4 critères évalués sur 106 : vous pouvez écrire « partiellement "
        "conforme »."]


def statement(root, tmp_path) -> str:
    site, report = load_site(root)
    assert site is not None, report.lines()
    build_site(site, tmp_path / "out", now=NOW, jobs=1)
    return (tmp_path / "out" / "accessibilite" / "index.html").read_text(encoding="utf-8")


def test_statement_gives_the_rate_and_what_is_not_accessible(sample_site_dir, tmp_path):
    html = statement(sample_site_dir, tmp_path)
    assert f"<p class=\"lead\">66,6{N}% des critères évalués du RGAA version 4.1.2 sont respectés.</p>" in html
    assert "<div><dt>Critères évalués</dt><dd>4 sur 106</dd></div>" in html
    assert ("<li><strong>Annexe PDF de la note de service 2026-123</strong> (critère 13.3, consultation) : "
            "fichier PDF non balisé ; le calendrier est aussi publié sur la page Planning.</li>") in html
    assert ("<li><strong>Notes de service antérieures à 2020</strong> : documents numérisés, repris au fil de "
            "leur mise à jour.</li>") in html
    assert "en raison des non-conformités énumérées ci-dessous" in html
    for mention in ("<strong>partiellement conforme</strong>", "version 4.1.2", '<time datetime="2026-10-15">',
                    "mailto:accessibilite@ac-exemple.example", "Défenseur des droits"):
        assert mention in html


def test_without_a_declaration_file_the_statement_says_so(sample_site_dir, tmp_path):
    (sample_site_dir / A).unlink()
    html = statement(sample_site_dir, tmp_path)
    assert "<p>Le taux de conformité n'est pas encore publié.</p>" in html
    assert "Contenus non accessibles" not in html
