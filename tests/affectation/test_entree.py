"""The simulation's input builder (forms_app/affectation/entree.py), pure: which demandes take part, their
barème per vœu and stripped barème, the seats holders free (chains), entrants, restrictions, the
campaign's ties, zone order and extension table."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from forms_app.affectation.engine import Voeu, allocate, by_poste_id, by_uai, expand_voeu, build_zone_index
from forms_app.affectation.entree import (
    EXCLUE_ANNULEE,
    EXCLUE_NON_RECEVABLE,
    EXCLUE_SANS_VOEU,
    SIEGE,
    DemandeLue,
    VoeuLu,
    construire,
    exclusion,
    tie_break,
)
from forms_app.mobilite.rules.bareme import Decision, Dossier
from generator.load import load_site
from generator.model import AffectationRules, Poste, SourceRef

LPO, CLG, LYC, LP = "0630021F", "0630726X", "0633940R", "0635224L"  # Clermont-Ferrand (63113)
AILLEURS = "0034249C"  # Allier
JOUR = date(2027, 4, 20)


@pytest.fixture(scope="module")
def site(project_root):
    site, report = load_site(project_root)
    assert site is not None, report.lines()
    return site


@pytest.fixture(scope="module")
def intra(site):
    return site.campaign("intra-2027")


def vacant(code: str, uai: str, *, mouvement: str = "GEN", discipline: str = "L1300", etat: str = "V",
           campagne: str = "intra-2027") -> Poste:
    return Poste(code, campagne, mouvement, uai, discipline, "", "", etat, "", date(2027, 3, 17), "",
                 SourceRef("data/postes.csv", 2))


def dossier(**fields) -> Dossier:
    values = {"corps": "professeur certifié", "grade": "classe normale", "echelon": 6,
              "affectation_depuis": date(2023, 9, 1), "education_prioritaire": "",
              "situation_familiale": "Célibataire", "enfants": 0, "jour": JOUR}
    return Dossier(**{**values, **fields})


def demande(demande_id: int, *voeux: tuple[str, str] | tuple[str, str, str], uai: str = "", naissance=date(1985, 5, 1),
            lettre: bool = False, confirmation: str = "", discipline: str = "L1300", **more) -> DemandeLue:
    lus = tuple(VoeuLu(rang, *v) for rang, v in enumerate(voeux, start=1))
    return DemandeLue(demande_id, 100 + demande_id, discipline, lus, more.pop("dossier", dossier()),
                      affectation_uai=uai, date_naissance=naissance, lettre_enregistree=lettre,
                      confirmation=confirmation, **more)


EXCLUSIONS = [
    pytest.param("GEN", False, "", [("ETB", LPO)], None, id="general movement, no lettre needed"),
    pytest.param("GEN", False, "attente", [("ETB", LPO)], None, id="confirmation not returned yet"),
    pytest.param("GEN", False, "retournee", [("ETB", LPO)], None, id="confirmation returned"),
    pytest.param("GEN", False, "annulee", [("ETB", LPO)], EXCLUE_ANNULEE, id="cancelled"),
    pytest.param("GEN", False, "non_recevable", [("ETB", LPO)], EXCLUE_NON_RECEVABLE, id="confirmed non recevable"),
    pytest.param("SPEA", False, "", [("ETB", LPO)], EXCLUE_NON_RECEVABLE, id="starred without lettre"),
    pytest.param("SPEA", True, "", [("ETB", LPO)], None, id="starred with lettre"),
    pytest.param("GEN", False, "", [], EXCLUE_SANS_VOEU, id="no vœu"),
    pytest.param("SPEA", True, "annulee", [], EXCLUE_ANNULEE, id="cancelled wins"),
]


@pytest.mark.parametrize("mouvement, lettre, confirmation, voeux, why", EXCLUSIONS)
def test_which_demandes_take_part(intra, site, mouvement, lettre, confirmation, voeux, why):
    d = demande(1, *voeux, lettre=lettre, confirmation=confirmation)
    assert exclusion(intra.mouvement(mouvement), d) == why
    entree = construire(intra, mouvement, site.referentiel, [], [d])
    assert [c.id for c in entree.mouvement.candidats] == ([] if why else ["1"])
    assert entree.exclues == (((1, 101, why),) if why else ())


def test_barème_per_vœu_is_the_desk_s_and_the_base_strips_vœu_bonuses(intra, site):
    """Rapprochement (150,2) on vœux in the declared département, granted by the gestionnaire; the base has
    only the elements that bear on every vœu (échelon 6: 42, 3 years in the post: 60)."""
    accorde = {"rapprochement_conjoints": Decision("accorde", None, "")}
    d = demande(1, ("ETB", LPO), ("COM", "63113"), ("DPT", "003"), situations={"departement_conjoint": "063"},
                decisions=accorde, verifiee=True)
    candidat = construire(intra, "GEN", site.referentiel, [], [d]).mouvement.candidats[0]
    assert candidat.baremes == (102.0, 252.2, 102.0)
    assert candidat.bareme_base == 102.0
    provisoire = construire(intra, "GEN", site.referentiel, [], [replace(d, decisions={}, verifiee=False)])
    assert provisoire.mouvement.candidats[0].baremes == (102.0, 102.0, 102.0)
    assert provisoire.non_verifiees == 1


def test_holders_offer_their_seat_and_entrants_must_be_placed(intra, site):
    titulaire = demande(1, ("ETB", LYC), uai=LPO)
    entrant = demande(2, ("COM", "63113"))
    hors_academie = demande(3, ("DPT", "063"), uai="0750001A")
    entree = construire(intra, "GEN", site.referentiel, [vacant("I1", LYC)], [titulaire, entrant, hors_academie])
    a, b, c = entree.mouvement.candidats
    assert (a.poste_actuel, a.must_be_placed) == (SIEGE + "1", False)
    assert (b.poste_actuel, b.must_be_placed) == (None, True)
    assert (c.poste_actuel, c.must_be_placed) == (None, True)
    seat = next(p for p in entree.mouvement.postes if p.id == SIEGE + "1")
    assert (seat.uai, seat.discipline, seat.commune, seat.departement, seat.academie) == (LPO, "L1300", "63113", "063", "06")
    assert (entree.postes_vacants, entree.sieges) == (1, 1)
    assert entree.participants["1"].uai_actuel == LPO and entree.participants["2"].entrant


def test_a_starred_movement_frees_no_seat_and_places_nobody(intra, site):
    d = demande(1, ("ETB", LYC), uai=LPO, lettre=True)
    entree = construire(intra, "SPEA", site.referentiel, [vacant("S1", LYC, mouvement="SPEA")], [d])
    (c,) = entree.mouvement.candidats
    assert (c.poste_actuel, c.must_be_placed, entree.extension) == (None, False, None)
    assert [p.id for p in entree.mouvement.postes] == ["S1"]


def test_only_vacant_postes_of_the_campaign_and_movement_count(intra, site):
    postes = [vacant("V1", LYC), vacant("SV1", LYC, etat="SV"), vacant("X1", LYC, mouvement="SPEA"),
              vacant("Y1", LYC, campagne="specifique-2027")]
    entree = construire(intra, "GEN", site.referentiel, postes, [])
    assert [p.id for p in entree.mouvement.postes] == ["V1"]


RESTRICTIONS = [
    pytest.param("", {"LPO", "CLG", "LYC", "LP"}, id="tout type"),
    pytest.param("LYC", {"LPO", "LYC"}, id="lycée: LYC and LPO"),
    pytest.param("LP", {"LPO", "LP"}, id="lycée professionnel: LP and LPO"),
    pytest.param("CLG", {"CLG"}, id="collège"),
]


@pytest.mark.parametrize("type_etab, reached", RESTRICTIONS)
def test_a_restricted_zone_vœu_reaches_its_types_only(intra, site, type_etab, reached):
    postes = [vacant(name, uai) for name, uai in (("LPO", LPO), ("CLG", CLG), ("LYC", LYC), ("LP", LP))]
    d = demande(1, ("COM", "63113", type_etab))
    entree = construire(intra, "GEN", site.referentiel, postes, [d])
    (c,) = entree.mouvement.candidats
    assert c.voeux == (Voeu("COM", "63113", type_etab or None),)
    assert set(expand_voeu(build_zone_index(entree.mouvement.postes), "L1300", c.voeux[0])) == reached


TIES = [
    pytest.param((), {}, (), id="no rule"),
    pytest.param(("situation_familiale",), {"situation_familiale": "Marié(e)"}, (0,), id="married first"),
    pytest.param(("situation_familiale",), {"situation_familiale": "Pacsé(e)"}, (0,), id="pacsé first"),
    pytest.param(("situation_familiale",), {"situation_familiale": "Concubinage"}, (1,), id="concubinage after"),
    pytest.param(("enfants", "age"), {"enfants": 3}, (-3, date(1985, 5, 1).toordinal()), id="children then age"),
]


@pytest.mark.parametrize("criteres, fields, key", TIES)
def test_the_tie_break_key_comes_from_the_campaign(criteres, fields, key):
    assert tie_break(criteres, demande(1, ("ETB", LPO), dossier=dossier(**fields))) == key


def test_ties_follow_the_campaign_file(intra, site):
    """intra-2027: couple first, then more children, then the older; equal barèmes, one seat."""
    jeune_marie = demande(1, ("ETB", LYC), naissance=date(1990, 1, 1), dossier=dossier(situation_familiale="Marié(e)"))
    ancien = demande(2, ("ETB", LYC), naissance=date(1960, 1, 1))
    entree = construire(intra, "GEN", site.referentiel, [vacant("V1", LYC)], [ancien, jeune_marie])
    assert intra.affectation.departage == ("situation_familiale", "enfants", "age")
    assert entree.zone_order is by_uai
    assert allocate(entree.mouvement).of("1").poste_id == "V1"
    sans_regle = replace(intra, affectation=AffectationRules())
    entree = construire(sans_regle, "GEN", site.referentiel, [vacant("V1", LYC)], [ancien, jeune_marie])
    assert entree.zone_order is by_poste_id
    assert allocate(entree.mouvement).of("1").poste_id == "V1"  # equal keys: the candidate id decides


def test_the_extension_table_starts_from_vœu_1(intra, site):
    """An entrant's vœu 1 in the Puy-de-Dôme walks the line « DPT 063 »; a vœu 1 académie, « ACA 06 »."""
    commune = demande(1, ("COM", "63113"), ("DPT", "063"))
    academie = demande(2, ("ACA", "06"))
    titulaire = demande(3, ("ETB", LYC), uai=LPO)
    entree = construire(intra, "GEN", site.referentiel, [], [commune, academie, titulaire])
    ordre = (("DPT", "063"), ("DPT", "003"), ("DPT", "043"), ("DPT", "015"))
    assert entree.extension == {("COM", "63113"): ordre, ("ACA", "06"): ordre}


def test_chains_and_extension_through_the_builder(intra, site):
    """A holder moves to the only vacant poste; the older of two entrants takes the seat she frees (equal
    barèmes, the campaign's ties); the younger obtains none of her vœux and the extension walks from the
    Puy-de-Dôme of her vœu 1 to the Allier."""
    titulaire = demande(1, ("ETB", LYC), uai=LPO)
    aine = demande(2, ("ETB", LPO), naissance=date(1970, 1, 1))
    cadet = demande(3, ("ETB", LPO), naissance=date(1995, 1, 1))
    entree = construire(intra, "GEN", site.referentiel, [vacant("V1", LYC), vacant("A1", AILLEURS)],
                        [titulaire, aine, cadet])
    result = allocate(entree.mouvement, extension=entree.extension, zone_order=entree.zone_order)
    assert (result.of("1").poste_id, result.of("1").obtention) == ("V1", "voeu")
    assert (result.of("2").poste_id, result.of("2").obtention) == (SIEGE + "1", "voeu")
    assert (result.of("3").poste_id, result.of("3").obtention) == ("A1", "extension")


EQUIVALENCE = [
    pytest.param({}, {}, False, id="provisionnel"),
    pytest.param({"departement_conjoint": "063"}, {"rapprochement_conjoints": Decision("accorde", None, ""),
                                                   "enfants": Decision("accorde", 200.0, "")}, True, id="granted"),
    pytest.param({"departement_conjoint": "003"}, {"echelon": Decision("corrige", 56.0, ""),
                                                   "handicap": Decision("refuse", None, "")}, False, id="corrected"),
]


@pytest.mark.parametrize("situations, decisions, verifiee", EQUIVALENCE)
def test_the_builder_totals_what_the_desk_shows(intra, site, situations, decisions, verifiee):
    """The builder's fast totals are bareme_par_voeu's, vœu by vœu (stagiaire on vœu 1, rapprochement on
    zones of the declared département, every restriction), and the stripped barème is the no-zone total."""
    from forms_app.mobilite.rules.bareme import Lieu, VoeuLieu, bareme_par_voeu, lieu_declare, lieu_du_voeu

    voeux = [("ETB", LPO), ("COM", "63113"), ("GEO", "063951"), ("DPT", "063", "LYC"), ("DPT", "003"), ("ACA", "06"),
             ("ZRD", "063"), ("ZRA", "06")]
    stagiaire = dossier(corps="professeur certifié stagiaire", enfants=2)
    d = demande(1, *voeux, dossier=stagiaire, situations=situations, decisions=decisions, verifiee=verifiee)
    (c,) = construire(intra, "GEN", site.referentiel, [], [d]).mouvement.candidats
    ref = site.referentiel
    lieux = [VoeuLieu(v.rang, v.type, v.code, lieu_du_voeu(ref, v.type, v.code)) for v in d.voeux]
    declared = {k: lieu_declare(ref, k, v) for k, v in situations.items()}
    desk = bareme_par_voeu(intra.bareme, stagiaire, [*lieux, VoeuLieu(0, "", "", Lieu())], declared, decisions,
                           verifie=verifiee)
    assert c.baremes == tuple(b.total for b in desk[:-1])
    assert c.bareme_base == desk[-1].total
    assert len(set(c.baremes)) > 1 or not decisions  # some bonus bears on some vœux only
