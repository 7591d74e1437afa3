"""Pure rules of promotions, rendez-vous and perspectives: eligibility at the date boundaries, quotas, barème,
ties, delays across daylight-saving changes."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from forms_app.perspectives.rules import prochain_rendez_vous, prochains_echelons, promouvable_hors_classe
from forms_app.promotions.echelons import Position, position_au
from forms_app.promotions.rules import (
    UN_ECHELON_AU_DELA,
    Candidat,
    Situation,
    VueAppreciations,
    bareme,
    eligibilite,
    lire_vue_appreciations,
    plage_points,
    quota_max,
    refus_quota,
    tableau,
)
from forms_app.rendezvous.rules import dans_le_delai, fin_de_delai, refus_date, rendez_vous_du
from generator.load import load_site
from generator.model import PARIS


@pytest.fixture(scope="module")
def site(project_root):
    loaded, report = load_site(project_root)
    assert loaded is not None, report
    return loaded


@pytest.fixture(scope="module")
def hc(site):
    return site.campaign("hors-classe-2027").regles


@pytest.fixture(scope="module")
def ce(site):
    return site.campaign("classe-exceptionnelle-2027").regles


@pytest.fixture(scope="module")
def rdv(site):
    return site.campaign("rendez-vous-carriere-2026-2027").regles


@pytest.fixture(scope="module")
def durees(site):
    return site.referentiel.echelons


def certifie(echelon, depuis, grade="classe normale"):
    return Situation("professeur certifié", grade, echelon, depuis, date(1975, 5, 1))


# Hors classe: 2 years in the 9th échelon on 31 August 2027 (the 9th lasts 4 years: no projection beyond).
@pytest.mark.parametrize("depuis,promouvable", [
    (date(2025, 8, 31), True),   # exactly two years on 31/08/2027
    (date(2025, 9, 1), False),   # one day short
    (date(2024, 1, 1), True),
])
def test_hors_classe_eligibility_at_the_boundary(hc, durees, depuis, promouvable):
    result = eligibilite(hc, certifie(9, depuis), durees)
    assert result.promouvable is promouvable
    if promouvable:
        assert result.motif.startswith("promouvable\u00a0: 9e échelon depuis le ")
    else:
        assert result.motif == ("non promouvable\u00a0: 23\u00a0mois dans le 9e échelon au 31 août 2027, il en faut "
                                "24\u00a0mois.")


def test_projection_to_the_reference_date(hc, durees):
    # 8th échelon since 1 March 2022: 3.5 years -> 9th on 1 September 2025 -> 23 months on 31/08/2027.
    assert position_au(durees, "professeur certifié", "classe normale", Position(8, date(2022, 3, 1)),
                       date(2027, 8, 31)) == Position(9, date(2025, 9, 1))
    assert not eligibilite(hc, certifie(8, date(2022, 3, 1)), durees).promouvable
    assert eligibilite(hc, certifie(8, date(2022, 2, 28)), durees).promouvable  # 9th on 31/08/2025


def test_non_promouvable_reasons(hc, durees):
    assert eligibilite(hc, certifie(5, date(2024, 1, 1), "hors classe"), durees).motif.startswith(
        "non promouvable\u00a0: la campagne concerne le grade «\u00a0classe normale\u00a0»")
    other = Situation("attaché d'administration", "classe normale", 9, date(2020, 1, 1), date(1970, 1, 1))
    assert not eligibilite(hc, other, durees).promouvable
    assert "manque" in eligibilite(hc, certifie(9, None), durees).motif


def test_classe_exceptionnelle_first_vivier_needs_a_candidature(ce, durees):
    situation = certifie(3, date(2025, 1, 1), "hors classe")
    assert "candidature" in eligibilite(ce, situation, durees).motif
    applied = eligibilite(ce, situation, durees, ["fonctions"])
    assert applied.promouvable and applied.vivier == "fonctions"
    top = eligibilite(ce, certifie(6, date(2024, 8, 31), "hors classe"), durees)  # 36 months on 31/08/2027
    assert top.promouvable and top.vivier == "hors_classe"


@pytest.mark.parametrize("echelon,depuis,points", [
    (9, date(2025, 8, 31), 0), (9, date(2024, 8, 31), 10), (10, date(2027, 8, 31), 20), (11, date(2023, 8, 31), 110),
    (11, date(2015, 1, 1), 110),
])
def test_plage_d_appel(hc, echelon, depuis, points):
    assert plage_points(hc, Position(echelon, depuis)) == points


def test_bareme_adds_the_appreciation(hc):
    assert bareme(hc, Position(10, date(2025, 8, 31)), "excellent") == 40 + 145
    assert bareme(hc, Position(10, date(2025, 8, 31)), None) == 40


@pytest.mark.parametrize("n,pct,arrondi,expected", [
    (10, 20, "inferieur", 2), (9, 20, "inferieur", 1), (4, 20, "inferieur", 0), (4, 20, "superieur", 1),
    (7, 20, "plus_proche", 1), (8, 20, "plus_proche", 2), (100, 22.5, "inferieur", 22),
])
def test_quota_rounding(n, pct, arrondi, expected):
    assert quota_max(n, pct, arrondi) == expected


def test_quota_refusal_message(hc):
    refus = refus_quota(hc.avis, 5, {"tres_satisfaisant": 1}, "inferieur", "tres_satisfaisant", None)
    assert refus == ("Quota atteint pour «\u00a0Très satisfaisant\u00a0»\u00a0: 1 au plus sur 5 (20\u202f%). Choisissez une autre "
                     "valeur, ou retirez d'abord cette valeur à un autre agent.")
    assert refus_quota(hc.avis, 5, {"tres_satisfaisant": 1}, "inferieur", "tres_satisfaisant", "tres_satisfaisant") is None
    assert refus_quota(hc.avis, 5, {"tres_satisfaisant": 0}, "inferieur", "tres_satisfaisant", None) is None
    assert refus_quota(hc.avis, 5, {}, "inferieur", "satisfaisant", None) is None


def cand(i, echelon, depuis, appreciation, naissance=date(1975, 1, 1), nom=None):
    return Candidat(i, nom or f"Agent{i:02d}", "A", "promouvables", Position(echelon, depuis), naissance, None,
                    appreciation)


def test_tableau_ranks_by_bareme_then_ties_then_promotes_up_to_the_rate(hc):
    candidats = [cand(i, 9, date(2025, 8, 31), "satisfaisant") for i in range(1, 9)]
    candidats.append(cand(9, 11, date(2023, 8, 31), "excellent"))  # 110 + 145
    candidats.append(cand(10, 10, date(2025, 8, 31), "tres_satisfaisant"))  # 40 + 125
    lignes = tableau(hc, candidats)
    assert [ln.candidat.id for ln in lignes[:2]] == [9, 10]
    assert sum(ln.promu for ln in lignes) == 2  # 22.5 % of 10, rounded down
    assert [ln.rang for ln in lignes] == list(range(1, 11))


def test_ties_broken_by_echelon_then_seniority_then_age(hc):
    # Same barème (0 + 105): the older agent first (departage: echelon, anciennete_echelon, age).
    a = cand(1, 9, date(2025, 8, 31), "satisfaisant", naissance=date(1980, 1, 1), nom="Abel")
    b = cand(2, 9, date(2025, 8, 31), "satisfaisant", naissance=date(1970, 1, 1), nom="Zoé")
    c = cand(3, 9, date(2025, 6, 1), "satisfaisant", naissance=date(1990, 1, 1), nom="Marc")  # longer in échelon
    lignes = tableau(hc, [a, b, c])
    assert [ln.candidat.id for ln in lignes] == [3, 2, 1]
    assert not any(ln.ex_aequo for ln in lignes)
    twin = cand(4, 9, date(2025, 8, 31), "satisfaisant", naissance=date(1970, 1, 1), nom="Albert")
    lignes = tableau(hc, [b, twin])
    assert [ln.candidat.nom for ln in lignes] == ["Albert", "Zoé"] and all(ln.ex_aequo for ln in lignes)


def test_viviers_share_the_promotions(ce):
    candidats = [Candidat(i, f"N{i}", "P", "fonctions" if i <= 40 else "hors_classe", Position(4, date(2024, 1, 1)),
                          date(1970, 1, 1), None, "satisfaisant") for i in range(1, 51)]
    lignes = tableau(ce, candidats)  # 10 % of 50 = 5 promotions: 80 % (4) to the first vivier, 20 % (1) to the second
    promus = [ln.candidat.vivier for ln in lignes if ln.promu]
    assert promus.count("fonctions") == 4 and promus.count("hors_classe") == 1


# Rendez-vous de carrière: counted on 31 August 2027.
@pytest.mark.parametrize("echelon,depuis,code", [
    (6, date(2026, 8, 31), "rdv1"),   # 12 months
    (6, date(2026, 9, 1), None),      # 11 months
    (6, date(2025, 9, 1), "rdv1"),    # 23 months
    (6, date(2025, 8, 31), None),     # 24 months: not « less than 24 »
    (8, date(2026, 2, 28), "rdv2"),   # 18 months
    (8, date(2025, 3, 1), "rdv2"),    # 29 months
    (9, date(2026, 1, 1), "rdv3"),
])
def test_rendez_vous_due_at_the_boundaries(rdv, durees, echelon, depuis, code):
    due = rendez_vous_du(rdv, durees, "professeur certifié", "classe normale", echelon, depuis)
    assert (due.type.code if due else None) == code


def test_no_rendez_vous_outside_the_classe_normale(rdv, durees):
    assert rendez_vous_du(rdv, durees, "professeur certifié", "hors classe", 6, date(2026, 1, 1)) is None


def test_observation_delay_across_the_spring_dst_change():
    # Notified on 15 March 2027 at 10:00 (UTC+1): 21 days end at midnight ending 5 April (UTC+2).
    notifie = datetime(2027, 3, 15, 10, 0, tzinfo=PARIS)
    fin = fin_de_delai(notifie, 21)
    assert fin == datetime(2027, 4, 6, 0, 0, tzinfo=PARIS)
    assert fin.utcoffset().total_seconds() == 7200
    assert dans_le_delai(notifie, 21, datetime(2027, 4, 5, 23, 59, tzinfo=PARIS))
    assert not dans_le_delai(notifie, 21, datetime(2027, 4, 6, 0, 0, tzinfo=PARIS))
    assert not dans_le_delai(notifie, 21, datetime(2027, 3, 15, 9, 59, tzinfo=PARIS))


def test_recours_delay_across_the_autumn_dst_change():
    notifie = datetime(2027, 10, 1, 9, 0, tzinfo=PARIS)  # UTC+2; 30 days later the offset is UTC+1
    fin = fin_de_delai(notifie, 30)
    assert fin == datetime(2027, 11, 1, 0, 0, tzinfo=PARIS) and fin.utcoffset().total_seconds() == 3600
    assert dans_le_delai(notifie, 30, datetime(2027, 10, 31, 23, 30, tzinfo=PARIS))
    assert not dans_le_delai(notifie, 30, datetime(2027, 11, 1, 0, 0, tzinfo=PARIS))


def test_date_notice_of_fifteen_days():
    notification = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)
    assert refus_date(notification, datetime(2026, 12, 5, 9, 0, tzinfo=PARIS), 15) is None
    assert refus_date(notification, datetime(2026, 12, 4, 17, 0, tzinfo=PARIS), 15) == (
        "La date du rendez-vous doit être notifiée au moins 15\u00a0jours avant\u00a0: choisissez le 05/12/2026 ou une "
        "date postérieure.")


def test_perspectives(hc, rdv, durees):
    position = Position(8, date(2024, 3, 1))
    [suivant] = prochains_echelons(durees, "professeur certifié", "classe normale", position)
    assert suivant.jour == date(2027, 9, 1) and "le 01/09/2026 avec une accélération" in suivant.texte
    # 41 months in the 8th on 31/08/2027: the second rendez-vous is past, the third comes in 2028-2029.
    third = prochain_rendez_vous(rdv, durees, "professeur certifié", "classe normale", position, date(2026, 11, 20))
    assert third.titre.startswith("Troisième rendez-vous") and third.jour == date(2029, 8, 31)
    second = prochain_rendez_vous(rdv, durees, "professeur certifié", "classe normale", Position(8, date(2026, 2, 28)),
                                  date(2026, 11, 20))
    assert second.titre.startswith("Deuxième rendez-vous") and second.jour == date(2027, 8, 31)
    hc_date = promouvable_hors_classe(hc, durees, "professeur certifié", "classe normale", position, date(2026, 11, 20))
    assert hc_date.jour == date(2030, 8, 31)  # 9th on 1/9/2027: 23 months on 31/08/2029, 35 on 31/08/2030


@pytest.mark.parametrize("args, total, expected", [
    ({}, 6, VueAppreciations(None, False)),  # a short list: every échelon on one page
    ({}, UN_ECHELON_AU_DELA + 1, VueAppreciations(9, False)),  # a long one opens on the first échelon
    ({"echelon": "tous"}, UN_ECHELON_AU_DELA + 1, VueAppreciations(None, False)),
    ({"echelon": "10", "a_renseigner": "1"}, 6, VueAppreciations(10, True)),
    ({"echelon": "8"}, 6, "Échelon «\u00a08\u00a0» inconnu\u00a0: choisissez un échelon de la plage d'appel (9, 10, 11) "
                          "ou «\u00a0tous\u00a0»."),
    ({"echelon": "-9"}, 6, "Échelon «\u00a0-9\u00a0» inconnu\u00a0: choisissez un échelon de la plage d'appel (9, 10, 11) "
                           "ou «\u00a0tous\u00a0»."),
    ({"echelon": "²"}, 6, "Échelon «\u00a0²\u00a0» inconnu\u00a0: choisissez un échelon de la plage d'appel (9, 10, 11) "
                          "ou «\u00a0tous\u00a0»."),
    ({"a_renseigner": "oui"}, 6, "Le filtre «\u00a0à renseigner\u00a0» vaut 1 ou est absent\u00a0: retirez-le de l'adresse."),
])
def test_the_recteur_page_view_from_its_url(args, total, expected):
    assert lire_vue_appreciations(args, [9, 10, 11], total) == expected


def test_the_view_round_trips_through_its_url():
    for vue in (VueAppreciations(None, False), VueAppreciations(11, True)):
        assert lire_vue_appreciations(vue.args(), [9, 10, 11], 5000) == vue
