"""The barème per vœu, pure (no Flask): which element bears on which vœu (type, rank, declared
situation), justificatif elements, the gestionnaire's decisions, the phase read from the clock."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from forms_app.mobilite.rules import bareme
from forms_app.mobilite.rules.bareme import Decision, Lieu, VoeuLieu
from generator.model import PARIS, BaremeRule, SourceRef

SRC = SourceRef("content/campagnes/essai.yaml", 1)


def rule(code: str, **params) -> BaremeRule:
    return BaremeRule(code, code.replace("_", " ").capitalize(), params, SRC)


RULES = (
    rule("echelon", points_par_echelon=7, minimum=14),
    rule("anciennete_poste", points_par_an=20, bonus_par_tranche=50, annees_par_tranche=4),
    rule("rapprochement_conjoints", points=150.2, types_voeux=["COM", "GEO", "DPT", "ACA"],
         situation="departement_conjoint", justificatif=True),
    rule("enfants", points_par_enfant=100, types_voeux=["COM", "GEO", "DPT", "ACA"],
         situation="departement_conjoint", justificatif=True),
    rule("stagiaire", points=10, rang=1),
    rule("handicap", points=100, justificatif=True),
    rule("education_prioritaire", points_rep_plus=400, points_rep=200, annees_requises=5),
)
PUY = Lieu("063", "CLF")  # Puy-de-Dôme, académie de Clermont
ALLIER = Lieu("003", "CLF")


def dossier(**fields) -> bareme.Dossier:
    values = dict(corps="professeur certifié stagiaire", grade="classe normale", echelon=3,
                  affectation_depuis=date(2018, 9, 1), education_prioritaire="", situation_familiale="Marié",
                  enfants=2, jour=date(2027, 3, 20))
    values.update(fields)
    return bareme.Dossier(**values)


VOEUX = (
    VoeuLieu(1, "ETB", "0630021F", PUY),
    VoeuLieu(2, "COM", "63113", PUY),
    VoeuLieu(3, "GEO", "063001", PUY),
    VoeuLieu(4, "DPT", "063", PUY),
    VoeuLieu(5, "ACA", "CLF", Lieu("", "CLF")),
    VoeuLieu(6, "COM", "03190", ALLIER),
    VoeuLieu(7, "ZRD", "063", PUY),
)

# (element, vœu rank) -> points on that vœu once every justificatif element is granted; absent: does not bear on it.
# Echelon 3: 21; 8 years in the post: 160 + 2 × 50 = 260; spouse declared in the Puy-de-Dôme.
EXPECTED = {
    "echelon": {r: 21 for r in range(1, 8)},
    "anciennete_poste": {r: 260 for r in range(1, 8)},
    "rapprochement_conjoints": {2: 150.2, 3: 150.2, 4: 150.2, 5: 150.2},  # not ETB, not ZRD, not the Allier
    "enfants": {2: 200, 3: 200, 4: 200, 5: 200},
    "stagiaire": {1: 10},
    "handicap": {r: 100 for r in range(1, 8)},
}
GRANTED = {code: Decision(bareme.ACCORDE, None, "justificatif reçu")
           for code in ("rapprochement_conjoints", "enfants", "handicap")}


@pytest.mark.parametrize("code", sorted(EXPECTED))
@pytest.mark.parametrize("voeu", VOEUX, ids=lambda v: f"{v.rank}-{v.type}")
def test_each_element_on_each_voeu_type_and_rank(code, voeu):
    result = bareme.bareme_par_voeu(RULES, dossier(), [voeu], {"departement_conjoint": PUY}, GRANTED)[0]
    assert result.points(code) == EXPECTED[code].get(voeu.rank)


@pytest.mark.parametrize("voeu", VOEUX, ids=lambda v: f"{v.rank}-{v.type}")
def test_the_total_of_each_voeu_is_the_sum_of_its_elements(voeu):
    result = bareme.bareme_par_voeu(RULES, dossier(), [voeu], {"departement_conjoint": PUY}, GRANTED)[0]
    assert result.total == pytest.approx(sum(per_rank.get(voeu.rank, 0) for per_rank in EXPECTED.values()))


def test_provisional_barème_gives_justificatif_elements_no_points():
    result = bareme.bareme_par_voeu(RULES, dossier(), VOEUX, {"departement_conjoint": PUY})
    by_rank = {b.voeu.rank: b for b in result}
    assert by_rank[2].points("rapprochement_conjoints") == 0
    statut = {e.code: e.statut for e in by_rank[2].elements}
    assert statut == {"echelon": "calcule", "anciennete_poste": "calcule", "rapprochement_conjoints": "attente",
                      "enfants": "attente", "handicap": "attente"}
    assert by_rank[1].total == 21 + 260 + 10
    assert by_rank[2].total == 21 + 260


def test_without_a_declared_situation_the_element_bears_on_no_voeu():
    result = bareme.bareme_par_voeu(RULES, dossier(), VOEUX, {}, GRANTED)
    assert all(b.points("rapprochement_conjoints") is None for b in result)
    declared_allier = bareme.bareme_par_voeu(RULES, dossier(), VOEUX, {"departement_conjoint": ALLIER}, GRANTED)
    assert [b.voeu.rank for b in declared_allier if b.points("rapprochement_conjoints")] == [5, 6]


@pytest.mark.parametrize("decision, points, statut", [
    (Decision(bareme.VERIFIE, None, ""), 21, "verifie"),
    (Decision(bareme.CORRIGE, 28, "échelon 4 au 1er septembre"), 28, "corrige"),
    (Decision(bareme.REFUSE, None, "erreur"), 0, "refuse"),
])
def test_decisions_on_a_computed_element(decision, points, statut):
    result = bareme.bareme_par_voeu(RULES, dossier(), VOEUX[:1], {}, {"echelon": decision})[0]
    element = next(e for e in result.elements if e.code == "echelon")
    assert (element.points, element.statut) == (points, statut)
    if decision.motif:
        assert decision.motif in element.detail


@pytest.mark.parametrize("decision, points, statut", [
    (None, 0, "attente"),
    (Decision(bareme.ACCORDE, None, "livret de famille"), 150.2, "accorde"),
    (Decision(bareme.ACCORDE, 75, "demi-bonification"), 75, "accorde"),
    (Decision(bareme.REFUSE, None, "attestation d'employeur absente"), 0, "refuse"),
])
def test_decisions_on_a_justificatif_element(decision, points, statut):
    decisions = {} if decision is None else {"rapprochement_conjoints": decision}
    result = bareme.bareme_par_voeu(RULES, dossier(), VOEUX[1:2], {"departement_conjoint": PUY}, decisions)[0]
    element = next(e for e in result.elements if e.code == "rapprochement_conjoints")
    assert (element.points, element.statut) == (points, statut)


def test_a_verified_demande_leaves_undecided_justificatifs_ungranted():
    result = bareme.bareme_par_voeu(RULES, dossier(), VOEUX[1:2], {"departement_conjoint": PUY}, {}, verifie=True)[0]
    statut = {e.code: e.statut for e in result.elements}
    assert statut["rapprochement_conjoints"] == "non_accorde" and statut["echelon"] == "calcule"


def test_children_points_follow_the_dossier():
    result = bareme.bareme_par_voeu(RULES, dossier(enfants=3), VOEUX[1:2], {"departement_conjoint": PUY},
                                    {"enfants": Decision(bareme.ACCORDE, None, "")})[0]
    assert result.points("enfants") == 300


def test_elements_the_dossier_does_not_have_are_left_out_unless_granted():
    titulaire = dossier(corps="professeur certifié")
    assert VOEUX[0] and bareme.bareme_par_voeu(RULES, titulaire, VOEUX[:1])[0].points("stagiaire") is None
    corrected = bareme.bareme_par_voeu(RULES, titulaire, VOEUX[:1], {},
                                       {"stagiaire": Decision(bareme.CORRIGE, 10, "stagiaire au 1er septembre")})
    assert corrected[0].points("stagiaire") == 10


def test_justificatif_defaults_to_the_declarative_elements():
    assert bareme.justificatif(rule("rapprochement_conjoints", points=150.2))
    assert not bareme.justificatif(rule("rapprochement_conjoints", points=150.2, justificatif=False))
    assert bareme.justificatif(rule("stagiaire", points=10, justificatif=True))
    assert not bareme.justificatif(rule("echelon"))


@pytest.mark.parametrize("rule_, expected", [
    (rule("handicap", points=100), 100.0),
    (rule("enfants", points_par_enfant=100), 200.0),
    (rule("separation", points_par_annee=[190, 325]), None),
])
def test_points_once_granted(rule_, expected):
    assert bareme.points_par_defaut(rule_, dossier()) == expected


def test_the_phase_decides_provisionnel_retenu_definitif():
    from generator.model import Campaign, Phase

    start = datetime(2027, 5, 3, 12, 0, tzinfo=PARIS)
    phase = Phase("bareme", "Affichage du barème", start, start + timedelta(days=16), SRC)
    campaign = Campaign("c", "C", "intra", "2026-2027", "", None, (phase,), 25, ("COM",), (), (), (), SRC)
    assert bareme.etat_bareme(campaign, start - timedelta(microseconds=1)) == bareme.PROVISIONNEL
    assert bareme.etat_bareme(campaign, start) == bareme.RETENU
    assert bareme.etat_bareme(campaign, phase.end - timedelta(microseconds=1)) == bareme.RETENU
    assert bareme.etat_bareme(campaign, phase.end) == bareme.DEFINITIF
    assert bareme.etat_bareme(replace(campaign, phases=()), start) == bareme.PROVISIONNEL


def test_places_of_voeux_come_from_the_referentiel(project_root):
    from generator.load import load_site

    site, _report = load_site(project_root)
    ref = site.referentiel
    etab = next(iter(ref.etablissements.values()))
    lieu = bareme.lieu_du_voeu(ref, "ETB", etab.uai)
    assert lieu.departement == etab.uai[:3] and lieu.academie == ref.departements[etab.uai[:3]].academie
    assert bareme.lieu_du_voeu(ref, "DPT", "63") == bareme.lieu_du_voeu(ref, "DPT", "063")
    assert bareme.lieu_du_voeu(ref, "ETB", "9999999Z") == Lieu()
    assert bareme.lieu_declare(ref, "departement_conjoint", "063").academie == ref.departements["063"].academie
    assert bareme.lieu_declare(ref, "departement_conjoint", "999") is None
    assert bareme.portee_texte(RULES[4]) == "Porte sur le premier vœu."
