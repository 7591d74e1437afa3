"""Pure password rules and the shipped list of common passwords."""
from __future__ import annotations

import pytest

from forms_app.comptes.passwords import MESSAGES, common_passwords, password_problems

PERSON = {"numen": "43T1657894PES", "identifiant": "adhotel", "nom": "D'Hôtel", "prenom": "Anne-Marie"}


def test_the_common_list_is_large_and_lower_case():
    common = common_passwords()
    assert len(common) >= 10_000
    assert {"123456", "azerty", "motdepasse", "soleil"} <= common
    assert all(p == p.lower() for p in common)


@pytest.mark.parametrize(
    "password, keys",
    [
        ("quatre mots au hasard", []),
        ("douze caract", []),  # exactly 12: no composition rule
        ("onze caract", ["too_short"]),
        ("mon numen 43t1657894pes", ["numen"]),
        ("c'est adhotel qui parle", ["identifiant", "name"]),  # adhotel holds dhotel
        ("la maison d'hôtel au bord", ["name"]),
        ("ANNE-MARIE en vacances", ["name"]),
        ("Azertyuiop123!", ["common"]),
        ("1234567890123", ["common"]),
        ("abababababababab", ["common"]),
        ("adhotel43T1657894PES", ["numen", "identifiant", "name"]),
    ],
)
def test_password_problems(password, keys):
    assert password_problems(password, **PERSON) == [MESSAGES[k] for k in keys]


def test_short_names_do_not_forbid_common_syllables():
    assert password_problems("une longue balade à pied", numen="", identifiant="eli", nom="Li", prenom="Ed") == []
