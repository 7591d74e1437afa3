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


def campaign(phases=(), *, limit: int = 3, types=("ETB", "COM", "DPT"), mouvements=(), rules=()) -> Campaign:
    return Campaign("test", "Test", "intra", "2026-2027", "", None, tuple(phases), limit, tuple(types),
                    tuple(mouvements), (), tuple(rules), SRC)


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
    ([("ETB", "0630021F"), ("COM", "63113")], "COM", "63113",
     f"Ce vœu figure déjà dans votre liste (vœu n°{NBSP}2){NBSP}: vous ne pouvez pas le saisir deux fois."),
    ([("ETB", "A"), ("ETB", "B"), ("ETB", "C")], "DPT", "063", "Vous avez déjà saisi 3 vœux, le maximum pour cette campagne."),
    ([("ETB", "A"), ("ETB", "B")], "DPT", "063", None),
])
def test_voeu_refusals(existants, type_, code, message):
    assert voeux.refus_ajout(campaign(), existants, type_, code) == message


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
