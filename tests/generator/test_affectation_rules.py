"""A mutation campaign's `affectation` key (ties, order inside a zone, extension table): read into the model,
and each mistake reported as `path:line: message` with what to do next."""
import pytest

from generator.load import load_site
from generator.model import AffectationRules

C = "content/campagnes/intra-2027.yaml"
GOOD = ("affectation:\n  departage: [situation_familiale, age]\n  ordre_zone: uai\n  extension:\n"
        "    - depuis: DPT 063\n      zones: [DPT 063, DPT 015, ACA EXE]\n")


def with_block(sample_site_dir, block: str) -> int:
    """Append the block to the campaign; return the line of its first line."""
    camp = sample_site_dir / C
    text = camp.read_text(encoding="utf-8")
    camp.write_text(text + block, encoding="utf-8")
    return len(text.splitlines()) + 1


def test_the_rules_are_read_into_the_campaign(sample_site_dir):
    with_block(sample_site_dir, GOOD)
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    rules = site.campaign("intra-2027").affectation
    assert (rules.departage, rules.ordre_zone) == (("situation_familiale", "age"), "uai")
    assert rules.extension == ((("DPT", "063"), (("DPT", "063"), ("DPT", "015"), ("ACA", "EXE"))),)


def test_without_the_key_the_defaults_apply(sample_site):
    assert sample_site.campaign("intra-2027").affectation == AffectationRules()


@pytest.mark.parametrize("block, offset, message", [
    ("affectation:\n  departage: [situation, age]\n", 1,
     "critère de départage inconnu « situation » (voulez-vous dire « situation_familiale » ?) : critères possibles : situation_familiale, enfants, age."),
    ("affectation:\n  departage: [age, age]\n", 1, "le critère « age » est déjà dans « departage » : gardez-le une fois."),
    ("affectation:\n  ordre_zone: hasard\n", 1, "« ordre_zone » inconnu « hasard » : valeurs possibles : poste, uai."),
    ("affectation:\n  extension:\n    - depuis: COM 63113\n      zones: [DPT 063]\n", 2,
     "« depuis » « COM 63113 » : type « COM » impossible ici : types possibles : DPT, ACA."),
    ("affectation:\n  extension:\n    - depuis: DPT 099\n      zones: [DPT 063]\n", 2,
     "« depuis » « DPT 099 » : le code « 099 » n'existe pas dans data/departements : corrigez-le ou ajoutez-le "
     "à data/departements."),
    ("affectation:\n  extension:\n    - depuis: DPT 063\n      zones: [DPT063]\n", 3,
     "zone « DPT063 » : écrivez le type de vœu puis le code, séparés par une espace (par exemple « DPT 063 »)."),
    ("affectation:\n  extension:\n    - depuis: DPT 063\n      zones:\n        - DPT 063\n        - XYZ 1\n", 5,
     "zone « XYZ 1 » : type « XYZ » impossible ici : types possibles : ETB, COM, GEO, DPT, ACA, ZRE, ZRD, ZRA."),
    ("affectation:\n  extension:\n    - depuis: DPT 063\n", 2,
     "champ « zones » manquant dans cette ligne de l'extension : ajoutez « zones: … »."),
    ("affectation:\n  extension:\n    - {depuis: DPT 063, zones: [DPT 063]}\n    - {depuis: DPT 063, zones: [DPT 015]}\n",
     3, "« depuis » DPT 063 est déjà décrit ligne {premiere} : gardez une ligne par zone de départ."),
])
def test_each_mistake_has_its_message(sample_site_dir, block, offset, message):
    first = with_block(sample_site_dir, block)
    site, report = load_site(sample_site_dir)
    assert site is None
    message = message.format(premiere=first + 2)  # the line of the first « - depuis »
    assert f"{C}:{first + offset}: {message}" in report.lines(), report.lines()


def test_an_unknown_key_is_a_warning(sample_site_dir):
    first = with_block(sample_site_dir, "affectation:\n  ordre: uai\n")
    site, report = load_site(sample_site_dir)
    assert site is not None
    assert any(line.startswith(f"{C}:{first + 1}: avertissement : clé inconnue « ordre » ignorée")
               for line in report.lines()), report.lines()
