"""Durations of the Anciennetés tab, computed on their own."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms_app.dossier.rules import (
    Duree,
    Etat,
    add_months,
    age,
    anciennete_de_services,
    anciennetes,
    annees_completes,
    debut_des_services,
    duree_entre,
    entree_dans_le_corps,
    entree_dans_le_grade,
    format_duree,
    jours_hors_services,
    periodes_carriere,
)

S = "\u00a0"  # the no-break space between a number and its unit


@pytest.mark.parametrize(
    ("debut", "fin", "expected"),
    [
        (date(2020, 9, 1), date(2023, 9, 1), Duree(3, 0, 0)),
        (date(2020, 9, 1), date(2023, 11, 6), Duree(3, 2, 5)),
        (date(2023, 9, 1), date(2023, 9, 1), Duree(0, 0, 0)),
        (date(2023, 9, 15), date(2023, 10, 14), Duree(0, 0, 29)),
        # End of month: 31 January reaches one month on the last day of February.
        (date(2023, 1, 31), date(2023, 2, 28), Duree(0, 1, 0)),
        (date(2023, 1, 31), date(2023, 2, 27), Duree(0, 0, 27)),
        (date(2023, 1, 31), date(2023, 3, 1), Duree(0, 1, 1)),
        (date(2024, 1, 31), date(2024, 2, 29), Duree(0, 1, 0)),
        (date(2024, 1, 31), date(2024, 2, 28), Duree(0, 0, 28)),
        # Leap day: the anniversary falls on 28 February in common years.
        (date(2020, 2, 29), date(2021, 2, 28), Duree(1, 0, 0)),
        (date(2020, 2, 29), date(2021, 2, 27), Duree(0, 11, 29)),
        (date(2020, 2, 29), date(2024, 2, 29), Duree(4, 0, 0)),
        (date(2019, 12, 31), date(2020, 12, 31), Duree(1, 0, 0)),
        (date(2019, 12, 31), date(2020, 1, 30), Duree(0, 0, 30)),
    ],
)
def test_duree_entre(debut, fin, expected):
    assert duree_entre(debut, fin) == expected


def test_duree_before_start_is_none():
    assert duree_entre(date(2024, 1, 2), date(2024, 1, 1)) is None


@pytest.mark.parametrize(
    ("duree", "text"),
    [
        (Duree(3, 2, 5), f"3{S}ans 2{S}mois 5{S}jours"),
        (Duree(1, 1, 1), f"1{S}an 1{S}mois 1{S}jour"),
        (Duree(0, 0, 0), f"0{S}jour"),
        (Duree(2, 0, 0), f"2{S}ans"),
        (Duree(0, 11, 0), f"11{S}mois"),
        (Duree(5, 0, 12), f"5{S}ans 12{S}jours"),
    ],
)
def test_format_duree(duree, text):
    assert format_duree(duree) == text


@pytest.mark.parametrize(
    ("naissance", "jour", "years"),
    [
        (date(1980, 5, 10), date(2026, 5, 9), 45),
        (date(1980, 5, 10), date(2026, 5, 10), 46),
        (date(2000, 2, 29), date(2026, 2, 28), 26),
        (date(2000, 2, 29), date(2026, 2, 27), 25),
        (date(2030, 1, 1), date(2026, 1, 1), None),
    ],
)
def test_age(naissance, jour, years):
    assert age(naissance, jour) == years


def test_annees_completes_is_zero_for_future():
    assert annees_completes(date(2027, 1, 1), date(2026, 1, 1)) == 0
    assert annees_completes(date(2018, 9, 1), date(2026, 8, 31)) == 7


def test_anciennetes_lines():
    lines = anciennetes(
        date_naissance=date(1980, 5, 10),
        echelon_depuis=date(2023, 9, 1),
        affectation_depuis=None,
        jour=date(2026, 11, 6),
    )
    assert [(a.libelle, a.texte) for a in lines] == [
        ("Ancienneté générale de service (AGS)", "Date non renseignée"),
        ("Ancienneté dans le corps", "Date non renseignée"),
        ("Ancienneté dans le grade", "Date non renseignée"),
        ("Ancienneté dans l'échelon", f"3{S}ans 2{S}mois 5{S}jours"),
        ("Ancienneté dans le poste", "Date non renseignée"),
        ("Âge", f"46{S}ans"),
    ]


def test_anciennetes_future_date():
    lines = anciennetes(
        date_naissance=None,
        echelon_depuis=date(2027, 1, 1),
        affectation_depuis=date(2026, 11, 6),
        jour=date(2026, 11, 6),
    )
    assert [a.texte for a in lines][3:] == ["Date à venir", f"0{S}jour", "Date de naissance non renseignée"]


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(dates, st.integers(min_value=0, max_value=20000))
def test_duree_recomposes(debut, days):
    """Adding the months back then the days lands exactly on the end date."""
    fin = debut + timedelta(days=days)
    if fin > date(2100, 12, 31):
        return
    d = duree_entre(debut, fin)
    assert d is not None and 0 <= d.mois < 12 and d.jours >= 0
    assert add_months(debut, d.ans * 12 + d.mois) + timedelta(days=d.jours) == fin
    # The days left never make a further whole month.
    assert add_months(debut, d.ans * 12 + d.mois + 1) > fin


# --- the career as periods: AGS, ancienneté dans le corps and dans le grade -------------------------

CERTIFIE, AGREGE = "professeur certifié", "professeur agrégé"
PASSE = [
    Etat(date(2001, 9, 1), CERTIFIE, "classe normale", 1),
    Etat(date(2002, 9, 1), CERTIFIE, "classe normale", 2),
    Etat(date(2005, 9, 1), AGREGE, "classe normale", 4),
    Etat(date(2008, 3, 1), AGREGE, "classe normale", 5, "disponibilité pour convenances personnelles"),
    Etat(date(2009, 3, 1), AGREGE, "classe normale", 5),
    Etat(date(2020, 9, 1), AGREGE, "classe normale", 11),
]
ACTUEL = Etat(date(2023, 9, 1), AGREGE, "hors classe", 2)
JOUR = date(2026, 11, 6)


def test_periods_end_where_the_next_one_starts_and_the_current_one_is_open():
    periodes = periodes_carriere(list(reversed(PASSE)), ACTUEL)
    assert [(p.debut, p.fin) for p in periodes][:2] == [(date(2001, 9, 1), date(2002, 9, 1)),
                                                        (date(2002, 9, 1), date(2005, 9, 1))]
    assert periodes[-1].etat == ACTUEL and periodes[-1].fin is None
    # A past line at or after the current state's start is the current state: left out.
    again = periodes_carriere(PASSE + [Etat(date(2023, 9, 1), AGREGE, "hors classe", 2)], ACTUEL)
    assert again == periodes


def test_entry_dates_come_from_the_last_unbroken_run():
    periodes = periodes_carriere(PASSE, ACTUEL)
    assert debut_des_services(periodes) == date(2001, 9, 1)
    assert entree_dans_le_corps(periodes, AGREGE) == date(2005, 9, 1)
    assert entree_dans_le_grade(periodes, AGREGE, "hors classe") == date(2023, 9, 1)
    assert entree_dans_le_grade(periodes, AGREGE, "Hors classe") == date(2023, 9, 1)  # case does not count
    alone = periodes_carriere([], ACTUEL)  # the current state alone says nothing of the corps
    assert entree_dans_le_corps(alone, AGREGE) is None and debut_des_services(alone) is None


def test_disponibilite_is_deducted_from_the_ags_and_the_corps():
    periodes = periodes_carriere(PASSE, ACTUEL)
    assert jours_hors_services(periodes, date(2001, 9, 1), JOUR) == 365  # 1 March 2008 → 1 March 2009
    assert jours_hors_services(periodes, date(2008, 9, 1), JOUR) == 181  # only what follows the start
    assert anciennete_de_services(date(2001, 9, 1), periodes, JOUR) == duree_entre(date(2002, 9, 1), JOUR)
    lines = {a.libelle: a for a in anciennetes(
        date_naissance=date(1978, 7, 6), echelon_depuis=ACTUEL.debut, affectation_depuis=date(2022, 9, 1),
        jour=JOUR, corps_depuis=entree_dans_le_corps(periodes, AGREGE),
        grade_depuis=entree_dans_le_grade(periodes, AGREGE, "hors classe"), periodes=periodes)}
    ags = lines["Ancienneté générale de service (AGS)"]
    assert ags.depuis == date(2001, 9, 1)
    assert ags.texte == f"24{S}ans 2{S}mois 5{S}jours (disponibilité déduite{S}: 365{S}jours)"
    corps = lines["Ancienneté dans le corps"]
    assert corps.depuis == date(2005, 9, 1) and corps.texte.startswith(f"20{S}ans 2{S}mois")
    assert lines["Ancienneté dans le grade"].texte == f"3{S}ans 2{S}mois 5{S}jours"


def test_the_agents_file_dates_win_over_the_history():
    periodes = periodes_carriere(PASSE, ACTUEL)
    lines = {a.libelle: a for a in anciennetes(
        date_naissance=date(1978, 7, 6), echelon_depuis=ACTUEL.debut, affectation_depuis=None, jour=JOUR,
        services_depuis=date(1999, 9, 1), corps_depuis=date(2006, 9, 1), periodes=periodes)}
    assert lines["Ancienneté générale de service (AGS)"].depuis == date(1999, 9, 1)
    assert lines["Ancienneté dans le corps"].depuis == date(2006, 9, 1)
