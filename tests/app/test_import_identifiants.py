"""Identifiants: initial + surname, plain lower-case letters, homonyms numbered."""
from __future__ import annotations

import pytest

from forms_app.comptes.identifiants import base_identifiant, next_identifiant


@pytest.mark.parametrize(
    "prenom, nom, expected",
    [
        ("Jean", "Dupont", "jdupont"),
        ("René", "Dupont", "rdupont"),
        ("Claire", "Tartemuche", "ctartemuche"),
        ("Anne-Marie", "D'Hôtel", "adhotel"),
        ("Marie-Hélène", "D’Aubigny", "mdaubigny"),
        ("Loïc", "Le Goff", "llegoff"),
        ("Étienne", "Chabrier", "echabrier"),
        ("Œdipe", "Lætitia-Çà", "olaetitiaca"),  # the initial of "oe" is o
        ("  jean ", "DUPONT ", "jdupont"),
    ],
)
def test_base_identifiant(prenom, nom, expected):
    assert base_identifiant(prenom, nom) == expected


def test_homonyms_get_a_number():
    taken: set[str] = set()
    got = []
    for _ in range(3):
        identifiant = next_identifiant("jmartin", taken)
        taken.add(identifiant)
        got.append(identifiant)
    assert got == ["jmartin", "jmartin2", "jmartin3"]


def test_a_freed_number_is_reused_only_when_free():
    assert next_identifiant("jmartin", {"jmartin", "jmartin3"}) == "jmartin2"
