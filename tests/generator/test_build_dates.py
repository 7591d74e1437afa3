"""Dates as the planning pages write them, in French and in Europe/Paris time."""
from datetime import date, datetime, timezone

import pytest

from generator.frdates import date_fr, datetime_fr, iso, window_fr
from generator.model import PARIS

NB = "\u00a0"


@pytest.mark.parametrize(("value", "text"), [
    (date(2026, 11, 17), "mardi 17 novembre 2026"),
    (date(2027, 3, 1), "lundi 1er mars 2027"),
    (date(2027, 8, 15), "dimanche 15 août 2027"),
    (date(2027, 2, 3), "mercredi 3 février 2027"),
])
def test_date_fr(value, text):
    assert date_fr(value) == text


def test_window_with_both_ends():
    start = datetime(2026, 11, 17, 12, 0, tzinfo=PARIS)
    end = datetime(2026, 12, 8, 12, 0, tzinfo=PARIS)
    assert window_fr(start, end) == (
        f"du mardi 17 novembre 2026 à 12{NB}h{NB}00 au mardi 8 décembre 2026 à 12{NB}h{NB}00")


def test_open_ended_window():
    assert window_fr(datetime(2026, 11, 16, 9, 5, tzinfo=PARIS), None) == (
        f"à compter du lundi 16 novembre 2026 à 9{NB}h{NB}05")


def test_times_are_shown_in_paris_whatever_the_input_zone():
    utc = datetime(2027, 3, 28, 10, 0, tzinfo=timezone.utc)  # after the spring change: UTC+2
    assert datetime_fr(utc) == f"dimanche 28 mars 2027 à 12{NB}h{NB}00"
    assert iso(utc) == "2027-03-28T12:00+02:00"
