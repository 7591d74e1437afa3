"""The barème keys the app reads itself (types_voeux, rang, situation, justificatif): typed, and each
mistake reported as `path:line: message` with what to do next."""
import pytest

from generator.load import load_site

C = "content/campagnes/intra-2027.yaml"
ELEMENT = "  - code: conjoint\n    libelle: Rapprochement de conjoints\n    points: 150,2\n"


def with_element(sample_site_dir, extra: str):
    camp = sample_site_dir / C
    text = camp.read_text(encoding="utf-8")
    camp.write_text(text + ELEMENT + extra, encoding="utf-8")
    return len(text.splitlines()) + 4  # the line of the first extra key


def test_scope_keys_are_read_into_params(sample_site_dir):
    with_element(sample_site_dir, "    types_voeux: [COM, DPT]\n    rang: 1\n    situation: departement_conjoint\n"
                                  "    justificatif: oui\n")
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    rule = site.campaign("intra-2027").bareme[-1]
    assert rule.params == {"points": 150.2, "types_voeux": ["COM", "DPT"], "rang": 1,
                           "situation": "departement_conjoint", "justificatif": True}


def test_a_single_type_is_a_list_of_one(sample_site_dir):
    with_element(sample_site_dir, "    types_voeux: DPT\n")
    site, report = load_site(sample_site_dir)
    assert site.campaign("intra-2027").bareme[-1].params["types_voeux"] == ["DPT"]


@pytest.mark.parametrize("extra, message", [
    ("    types_voeux: [COM, DEP]\n",
     "type de vœu inconnu « DEP » dans « types_voeux » de l'élément « conjoint » (voulez-vous dire « DPT » ?) : "
     "types possibles : ETB, COM, GEO, DPT, ACA, ZRE, ZRD, ZRA."),
    ("    rang: 0\n", "« rang » doit être un nombre entier positif (lu : « 0 ») : corrigez la valeur."),
    ("    rang: 21\n", "« rang » vaut 21 mais une demande a au plus 20 vœux (voeux.maximum) : indiquez un rang "
                     "entre 1 et 20."),
    ("    situation: academie_conjoints\n",
     "situation inconnue « academie_conjoints » pour l'élément « conjoint » (voulez-vous dire "
     "« academie_conjoint » ?) : situations possibles : "
     "departement_conjoint, academie_conjoint."),
    ("    justificatif: peut-être\n", "« justificatif » doit être true ou false (lu : « peut-être ») : corrigez la valeur."),
])
def test_each_mistake_has_its_message(sample_site_dir, extra, message):
    line = with_element(sample_site_dir, extra)
    site, report = load_site(sample_site_dir)
    assert site is None
    assert f"{C}:{line}: {message}" in report.lines()


def test_a_type_the_campaign_does_not_accept_is_a_warning(sample_site_dir):
    line = with_element(sample_site_dir, "    types_voeux: [ZRA]\n")
    site, report = load_site(sample_site_dir)
    assert site is not None
    assert (f"{C}:{line}: avertissement : l'élément « conjoint » porte sur les vœux « ZRA », que la campagne "
            "n'accepte pas (voeux.types : ETB, COM, GEO, DPT, ACA, ZRE) : retirez-le de « types_voeux » ou "
            "ajoutez-le à « voeux.types ».") in report.lines()
