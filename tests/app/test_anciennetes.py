"""Durations of the Anciennetés tab, computed on their own."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms_app.dossier.rules import Duree, add_months, age, anciennetes, annees_completes, duree_entre, format_duree

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
    assert [a.texte for a in lines] == ["Date à venir", f"0{S}jour", "Date de naissance non renseignée"]


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
