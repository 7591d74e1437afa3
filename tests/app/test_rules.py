"""Pure mobilité rules, without Flask: window and DST, vœu limits, codes, ranks, demandes, barème."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from forms_app.mobilite.rules import bareme, codes, demandes, fenetre, rangs, voeux
from generator.model import PARIS, BaremeRule, Campaign, Mouvement, Phase, Preference, SourceRef

SRC = SourceRef("content/campagnes/test.yaml", 1)
NBSP = "\u00a0"


def phase(start: datetime, end: datetime | None, code: str = "saisie") -> Phase:
    return Phase(code, "Saisie", start, end, SRC)


def campaign(phases=(), *, limit: int = 3, types=("ETB", "COM", "DPT"), mouvements=(), rules=(),
             restrictions=()) -> Campaign:
    return Campaign("test", "Test", "intra", "2026-2027", "", None, tuple(phases), limit, tuple(types),
                    tuple(mouvements), (), tuple(rules), SRC, tuple(restrictions))


# --- window -----------------------------------------------------------------------------------

START = datetime(2026, 11, 17, 12, 0, tzinfo=PARIS)
END = datetime(2026, 12, 8, 12, 0, tzinfo=PARIS)


@pytest.mark.parametrize("moment, open_", [
    (START - timedelta(microseconds=1), False),
    (START, True),
    (END - timedelta(microseconds=1), True),
    (END, False),
])
def test_window_edges_half_open(moment, open_):
    assert (fenetre.refus(phase(START, END), moment) is None) is open_


def test_window_messages():
    p = phase(START, END)
    assert fenetre.refus(p, END) == (
        f"La saisie est fermée{NBSP}: elle était ouverte du mardi 17 novembre 2026 à 12{NBSP}h{NBSP}00 "
        f"au mardi 8 décembre 2026 à 12{NBSP}h{NBSP}00.")
    assert fenetre.refus(p, START - timedelta(days=1)).startswith(f"La saisie n'est pas encore ouverte{NBSP}: elle sera ouverte du")
    assert fenetre.refus(None, START) == fenetre.MSG_SANS_SAISIE
    with pytest.raises(ValueError):
        fenetre.refus(p, datetime(2026, 11, 20, 12, 0))


def test_window_across_spring_dst_change():
    # Sunday 28 March 2027 at 02:00 Paris goes to 03:00: the window is 47 real hours, not 48.
    p = phase(datetime(2027, 3, 27, 12, 0, tzinfo=PARIS), datetime(2027, 3, 29, 12, 0, tzinfo=PARIS))
    end_utc = datetime(2027, 3, 29, 10, 0, tzinfo=timezone.utc)  # 12:00 in Paris, summer time
    assert fenetre.refus(p, end_utc - timedelta(microseconds=1)) is None
    assert fenetre.refus(p, end_utc) is not None
    assert fenetre.refus(p, datetime(2027, 3, 27, 11, 0, tzinfo=timezone.utc)) is None  # 12:00 winter time
    assert fenetre.refus(p, datetime(2027, 3, 27, 10, 59, 59, 999999, tzinfo=timezone.utc)) is not None


def test_window_across_autumn_dst_change():
    # Sunday 25 October 2026 at 03:00 Paris goes back to 02:00: 02:30 happens twice.
    p = phase(datetime(2026, 10, 24, 12, 0, tzinfo=PARIS), datetime(2026, 10, 25, 2, 30, tzinfo=PARIS))
    first_0230 = datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)  # summer time, fold 0: the end itself
    assert fenetre.refus(p, first_0230 - timedelta(microseconds=1)) is None
    assert fenetre.refus(p, first_0230) is not None
    assert fenetre.refus(p, datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)) is not None  # second 02:30


def test_telephone_follows_its_own_phase():
    c = campaign([phase(START, END), phase(START, None, "telephone")])
    fenetre.verifier_telephone(c, END + timedelta(days=30))
    with pytest.raises(fenetre.FenetreFermee) as refused:
        fenetre.verifier_saisie(c, END)
    assert refused.value.message.startswith("La saisie est fermée")


# --- vœux -------------------------------------------------------------------------------------

@pytest.mark.parametrize("existants, type_, code, message", [
    ([], "", "X", "Sélectionnez un type de vœu."),
    ([], "ACA", "06", f"Le type de vœu «{NBSP}Académie{NBSP}» n'est pas accepté par cette campagne{NBSP}: "
                      "choisissez parmi établissement, commune, département."),
    ([("ETB", "0630021F", ""), ("COM", "63113", "")], "COM", "63113",
     f"Ce vœu figure déjà dans votre liste (vœu n°{NBSP}2){NBSP}: vous ne pouvez pas le saisir deux fois."),
    ([("ETB", "A", ""), ("ETB", "B", ""), ("ETB", "C", "")], "DPT", "063",
     "Vous avez déjà saisi 3 vœux, le maximum pour cette campagne."),
    ([("ETB", "A", ""), ("ETB", "B", "")], "DPT", "063", None),
])
def test_voeu_refusals(existants, type_, code, message):
    assert voeux.refus_ajout(campaign(), existants, type_, code) == message


@pytest.mark.parametrize("type_, type_etab, message", [
    ("COM", "", None),
    ("COM", "CLG", None),
    ("DPT", "LYC", None),
    ("COM", "LP", f"Le type d'établissement «{NBSP}LP{NBSP}» n'est pas proposé pour ce vœu{NBSP}: choisissez parmi "
                  f"«{NBSP}tout type d'établissement{NBSP}», «{NBSP}collège{NBSP}», «{NBSP}lycée{NBSP}»."),
    ("ETB", "CLG", f"Le type d'établissement «{NBSP}CLG{NBSP}» n'est pas proposé pour ce vœu{NBSP}: choisissez parmi "
                   f"«{NBSP}tout type d'établissement{NBSP}»."),
    ("COM", "<script>", f"Le type d'établissement «{NBSP}<script>{NBSP}» n'est pas proposé pour ce vœu"),
])
def test_type_etab_restrictions(type_, type_etab, message):
    c = campaign(restrictions=("CLG", "LYC"))
    refus = voeux.refus_type_etab(c, type_, type_etab)
    assert refus == message if message is None or message.endswith(".") else refus.startswith(message)


def test_same_zone_with_two_restrictions_makes_two_voeux():
    c = campaign(limit=5, restrictions=("CLG", "LYC"))
    assert voeux.refus_ajout(c, [("COM", "63113", "")], "COM", "63113", "CLG") is None
    assert voeux.refus_ajout(c, [("COM", "63113", "CLG")], "COM", "63113", "CLG") == (
        f"Ce vœu figure déjà dans votre liste (vœu n°{NBSP}1){NBSP}: vous ne pouvez pas le saisir deux fois.")


@pytest.mark.parametrize("types, sentence", [
    (("ACA",), f"Vous pouvez formuler jusqu'à 31 vœux, tous de type «{NBSP}académie{NBSP}»."),
    (("ETB", "COM", "DPT"), f"Vous pouvez formuler jusqu'à 31 vœux, de types{NBSP}: établissement, commune et "
                            "département. Classez-les du plus précis (établissement) au plus large (département)."),
    (("ZRE", "ZRD"), f"Vous pouvez formuler jusqu'à 31 vœux, de types{NBSP}: zone de remplacement (établissement) et "
                     "zone de remplacement (département)."),
])
def test_the_voeu_sentence_comes_from_the_campaign_types(types, sentence):
    assert voeux.phrase_types(campaign(limit=31, types=types)) == sentence


OPEN = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)
AJOUT = dict(version=4, type_="COM", code="63113", type_etab="")


def liste(mouvement="GEN", lettre=False, version=4, existants=()):
    return voeux.ListeVue(mouvement, lettre, version, tuple(existants))


@pytest.mark.parametrize("case, liste_vue, moment, fields, expected", [
    ("accepted", liste(), OPEN, {}, (None, "COM", "63113", 1)),
    ("window closed", liste(), END, {}, (403, voeux.PAGE_ERREUR)),
    ("lettre first", liste("CPGE"), OPEN, {}, (409, voeux.PAGE_LISTE)),
    ("lettre saved", liste("CPGE", lettre=True), OPEN, {}, (None, "COM", "63113", 1)),
    ("form error", liste(), OPEN, {"erreur_formulaire": "Votre session a expiré"}, (400, voeux.PAGE_AJOUT)),
    ("no type", liste(), OPEN, {"type_": ""}, (400, voeux.PAGE_AJOUT)),
    ("type not accepted", liste(), OPEN, {"type_": "ACA", "code": "06"}, (400, voeux.PAGE_AJOUT)),
    ("unknown code", liste(), OPEN, {"code": "99999"}, (400, voeux.PAGE_AJOUT)),
    ("restriction refused", liste(), OPEN, {"type_etab": "LP"}, (400, voeux.PAGE_AJOUT)),
    ("stale version", liste(version=5), OPEN, {}, (409, voeux.PAGE_LISTE)),
    ("forged version", liste(), OPEN, {"version": None}, (409, voeux.PAGE_LISTE)),
    ("duplicate", liste(existants=[("COM", "63113", "")]), OPEN, {}, (409, voeux.PAGE_AJOUT)),
    ("full", liste(existants=[("ETB", "A", ""), ("ETB", "B", ""), ("ETB", "C", "")]), OPEN, {}, (409, voeux.PAGE_AJOUT)),
    ("restricted", liste(existants=[("COM", "63113", "")]), OPEN, {"type_etab": "CLG"}, (None, "COM", "63113", 2)),
])
def test_one_decision_for_an_add(site_holder, case, liste_vue, moment, fields, expected):
    c = campaign([phase(START, END)], restrictions=("CLG",), mouvements=[CPGE, GEN])
    decision = voeux.decider_ajout(c, site_holder().referentiel, moment, liste_vue, **{**AJOUT, **fields})
    if expected[0] is None:
        assert isinstance(decision, voeux.Ajout)
        assert (decision.voeu.type, decision.voeu.code, decision.rank) == expected[1:]
        assert decision.type_etab == fields.get("type_etab", "")
    else:
        assert isinstance(decision, voeux.Refus), case
        assert (decision.status, decision.page) == expected, case
        assert decision.message


# --- codes ------------------------------------------------------------------------------------

def test_codes_resolve_in_the_referentiel(site_holder):
    ref = site_holder().referentiel
    assert codes.resoudre(ref, "ETB", " 0630021f ").libelle == (
        "LPO Lycée des métiers La Fayette 21 boulevard Robert Schuman Clermont-Ferrand")
    assert codes.resoudre(ref, "DPT", "63").code == "063"
    assert codes.resoudre(ref, "COM", "63113").libelle == "Clermont-Ferrand (63000)"
    for type_, code, start in [
        ("ETB", "0630021G", f"Le code «{NBSP}0630021G{NBSP}» n'est pas un code d'établissement (UAI)"),
        ("GEO", "999", "Aucun groupement de communes ne porte le code"),
        ("ZRD", "007", f"Aucune zone de remplacement départementale ne porte le code «{NBSP}007{NBSP}» dans "
                       f"l'académie{NBSP}: saisissez le code d'un département de l'académie sur trois chiffres"),
        ("ZRA", "01", f"Aucune zone de remplacement académique ne porte le code «{NBSP}01{NBSP}»"),
        ("ZRE", "0630021G", f"Le code «{NBSP}0630021G{NBSP}» n'est pas un code d'établissement (UAI)"),
        ("ZRE", "0630001J", f"Aucune zone de remplacement d'établissement ne porte le code «{NBSP}0630001J{NBSP}»"),
        ("COM", "  ", "Saisissez le code ou le numéro du vœu"),
    ]:
        with pytest.raises(codes.CodeRefuse) as refused:
            codes.resoudre(ref, type_, code)
        assert refused.value.message.startswith(start)


def test_guided_search_by_name_commune_or_departement(site_holder):
    ref = site_holder().referentiel
    assert "0630021F" in [r.code for r in codes.rechercher(ref, "ETB", "fayette")]
    by_commune = codes.rechercher(ref, "ETB", "clermont ferrand")
    assert by_commune and all("Clermont-Ferrand" in r.libelle for r in by_commune)
    assert [r.code for r in codes.rechercher(ref, "DPT", "puy de dome")] == ["063"]
    assert codes.rechercher(ref, "COM", "zzzz") == []
    zre = codes.rechercher(ref, "ZRE", "fayette")
    assert [(r.type, r.code) for r in zre] == [("ZRE", "0630021F")]
    # Zones exist only where the académie has établissements: the Loire (académie 10) has none here.
    assert [r.code for r in codes.rechercher(ref, "ZRD", "loire")] == ["043"]
    assert [r.code for r in codes.rechercher(ref, "ZRA", "")] == ["06"]


@pytest.mark.parametrize("code, message", [
    ("0630021G", f"Le code «{NBSP}0630021G{NBSP}» n'est pas un code d'établissement (UAI) valide{NBSP}: sa lettre de "
                 f"contrôle devrait être «{NBSP}F{NBSP}» (0630021F). Vérifiez le code."),
    ("9999999Z", f"Le code «{NBSP}9999999Z{NBSP}» n'est pas un code d'établissement (UAI) valide{NBSP}: sa lettre de "
                 f"contrôle devrait être «{NBSP}P{NBSP}» (9999999P). Vérifiez le code."),
    ("06300211", f"Le code «{NBSP}06300211{NBSP}» n'est pas un code d'établissement (UAI){NBSP}: 7 chiffres puis une "
                 "lettre, par exemple 0630021F."),
    ("ABC", f"Le code «{NBSP}ABC{NBSP}» n'est pas un code d'établissement (UAI){NBSP}: 7 chiffres puis une lettre, "
            "par exemple 0630021F."),
])
def test_a_wrong_uai_says_what_is_wrong(code, message):
    assert codes.uai_refus(code) == message


def test_guided_choice_goes_step_by_step(site_holder):
    ref = site_holder().referentiel
    first = codes.choix(ref, "ETB")
    assert first.etape == codes.ETAPE_DEPARTEMENT and ("063", "Puy-de-Dôme") in first.entrees
    second = codes.choix(ref, "ETB", "063")
    assert second.etape == codes.ETAPE_COMMUNE and ("63113", "Clermont-Ferrand (63000)") in second.entrees
    assert all(ref.communes[c].departement == "063" for c, _l in second.entrees)
    third = codes.choix(ref, "ETB", "063", "63113")
    assert third.etape == codes.ETAPE_VOEU
    assert "0630021F" in [c for c, _l in third.entrees]
    assert all(ref.etablissements[c].commune == "63113" for c, _l in third.entrees)
    # A commune of another département, or an unknown département, starts that step again.
    assert codes.choix(ref, "ETB", "063", "03185").etape == codes.ETAPE_COMMUNE
    assert codes.choix(ref, "COM", "999").etape == codes.ETAPE_DEPARTEMENT
    communes = codes.choix(ref, "COM", "063")
    assert communes.etape == codes.ETAPE_VOEU and ("63113", "Clermont-Ferrand (63000)") in communes.entrees
    assert codes.choix(ref, "ACA").entrees == [(code, codes.libelle(ref, "ACA", code)) for code, _l in
                                                codes.choix(ref, "ACA").entrees]
    assert [c for c, _l in codes.choix(ref, "ZRA").entrees] == ["06"]


def test_zones_de_remplacement_resolve_as_the_note_de_service_says(site_holder):
    """ZRE: UAI of the établissement de rattachement; ZRD: a département of the académie; ZRA: « 06 »."""
    ref = site_holder().referentiel
    assert codes.resoudre(ref, "ZRE", "0630021f") == codes.VoeuResolu(
        "ZRE", "0630021F", "LPO Lycée des métiers La Fayette 21 boulevard Robert Schuman Clermont-Ferrand")
    assert codes.resoudre(ref, "ZRD", "63") == codes.VoeuResolu("ZRD", "063", "Puy-de-Dôme")
    assert codes.resoudre(ref, "ZRA", "06") == codes.VoeuResolu("ZRA", "06", "Académie de Montferrand")


# --- ranks ------------------------------------------------------------------------------------

def test_rank_operations():
    assert rangs.deplacer([1, 2, 3], 3, -1) == [1, 3, 2]
    assert rangs.deplacer([1, 2, 3], 1, +1) == [2, 1, 3]
    assert rangs.deplacer([1, 2, 3], 1, -1) is None
    assert rangs.deplacer([1, 2, 3], 3, +1) is None
    assert rangs.deplacer([1, 2, 3], 9, -1) is None
    assert rangs.retirer([1, 2, 3], 2) == [1, 3]
    assert rangs.rangs([7, 5, 9]) == {7: 1, 5: 2, 9: 3}


# --- demandes ---------------------------------------------------------------------------------

CPGE = Mouvement("CPGE", "Classes préparatoires", True, ("L1300",), (Preference("MPSI", "MPSI"),), SRC)
GEN = Mouvement("GEN", "Général", False, (), (), SRC)


def test_demande_states_and_creation_rules():
    assert demandes.etat(CPGE, False, 0) == "En attente de saisie de la lettre de motivation…"
    assert demandes.etat(CPGE, True, 0) == "Vœux à saisir"
    assert demandes.etat(GEN, False, 2) == "Complète"
    assert demandes.etat(CPGE, False, 0, saisie_close=True) == (
        f"Non recevable{NBSP}: la lettre de motivation n'a pas été enregistrée avant la clôture de la saisie")
    assert demandes.etat(CPGE, True, 3, saisie_close=True) == "Complète"
    c = campaign(mouvements=[CPGE, GEN])
    assert demandes.refus_creation(c, "CPGE", "L1300", "MPSI", set()) is None
    assert demandes.refus_creation(c, "CPGE", "L1300", "MPSI", {("CPGE", "L1300")}) == demandes.MSG_DOUBLON
    assert demandes.refus_creation(c, "GEN", "L1300", "", set()) == demandes.MSG_DISCIPLINE
    assert not demandes.peut_saisir_voeux(CPGE, False) and demandes.peut_saisir_voeux(GEN, False)
    assert demandes.refus_lettre("x" * demandes.LETTRE_MAX) is None
    assert demandes.refus_lettre("", brouillon=True) is None


# --- barème -----------------------------------------------------------------------------------

def rule(code: str, **params) -> BaremeRule:
    return BaremeRule(code, code.replace("_", " ").capitalize(), params, SRC)


RULES = (
    rule("echelon", points_par_echelon=7, minimum=14),
    rule("hors_classe", points_base=56, points_base_agreges=63, points_par_echelon=7, plafond=98),
    rule("classe_exceptionnelle", points_base=77, points_par_echelon=7, plafond=105),
    rule("anciennete_poste", points_par_an=20, bonus_par_tranche=50, annees_par_tranche=4),
    rule("education_prioritaire", points_rep_plus=400, points_rep=200, annees_requises=5),
    rule("rapprochement_conjoints", points=150.2, types_voeux=["COM", "DPT"]),
    rule("stagiaire", points=10),
)


def dossier(**fields) -> bareme.Dossier:
    values = dict(corps="professeur certifié", grade="classe normale", echelon=1,
                  affectation_depuis=date(2018, 9, 1), education_prioritaire="", situation_familiale="",
                  enfants=0, jour=date(2026, 11, 20))
    values.update(fields)
    return bareme.Dossier(**values)


@pytest.mark.parametrize("fields, code, points", [
    ({"echelon": 1}, "echelon", 14),
    ({"echelon": 5}, "echelon", 35),
    ({"grade": "hors classe", "echelon": 2}, "hors_classe", 70),
    ({"grade": "hors classe", "corps": "professeur agrégé", "echelon": 2}, "hors_classe", 77),
    ({"grade": "hors classe", "echelon": 7}, "hors_classe", 98),
    ({"grade": "classe exceptionnelle", "echelon": 5}, "classe_exceptionnelle", 105),
    ({}, "anciennete_poste", 8 * 20 + 2 * 50),
    ({"affectation_depuis": date(2021, 11, 21)}, "anciennete_poste", 4 * 20 + 50),
    ({"education_prioritaire": "REP+"}, "education_prioritaire", 400),
    ({"education_prioritaire": "REP", "affectation_depuis": date(2023, 9, 1)}, "education_prioritaire", 0),
    ({"corps": "professeur certifié stagiaire"}, "stagiaire", 10),
])
def test_bareme_elements(fields, code, points):
    lines = {line.code: line for line in bareme.calculer(RULES, dossier(**fields)).lignes}
    assert lines[code].points == points


def test_bareme_keeps_justified_elements_out_of_the_total():
    result = bareme.calculer(RULES, dossier(echelon=5, affectation_depuis=date(2025, 9, 1)))
    codes_shown = [line.code for line in result.lignes]
    assert codes_shown == ["echelon", "anciennete_poste", "rapprochement_conjoints"]
    conjoint = result.lignes[-1]
    assert not conjoint.calcule and "Porte sur les vœux de type\u00a0: commune, département." in conjoint.detail
    assert result.total == 35 + 20
    assert bareme.points_fr(150.2) == "150,2" and bareme.points_fr(14.0) == "14"
