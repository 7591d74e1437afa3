"""Bad input on the auth forms: a French 4xx next to the field, nothing stored, never a 500."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forms_app.comptes.models import Throttle
from forms_app.core.db import new_session

ODD = ["\x00", "jdupont\x00", "jdupont\n", "a" * 201, "é" * 50, "'; DROP TABLE accounts; --", "\u2028",
       "jdu pont", "𝔧𝔡𝔲𝔭𝔬𝔫𝔱", "%00", "<script>alert(1)</script>"]


@pytest.mark.postgres
def test_odd_identifiants_never_break_the_login(app, client, make_teacher, form_post, db_backend):
    make_teacher()
    app.config["THROTTLE_ADDRESS"] = (1000, 5, 900)  # this test is about input, not about delays
    for identifiant in ODD:
        counted = _throttle_rows(app)
        response = form_post(client, "/connexion", {"identifiant": identifiant, "password": "x\x00y" * 3})
        assert response.status_code in (400, 401), identifiant
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html
        if response.status_code == 400:
            assert "Saisissez votre compte utilisateur, par exemple jdupont." in html
            assert _throttle_rows(app) == counted  # refused before counting


def _throttle_rows(app) -> int:
    db = new_session(app)
    count = db.scalar(select(func.count()).select_from(Throttle))
    db.close()
    return count


@pytest.mark.postgres
def test_odd_codes_never_break_the_second_step(app, make_teacher, login, form_post, clock, db_backend):
    import re

    import pyotp

    _agent, account, password = make_teacher()
    client = app.test_client()
    login(client, account.identifiant, password)
    page = client.get("/compte/double-authentification").get_data(as_text=True)
    secret = re.search(r'totp-secret">([^<]+)<', page).group(1).replace(" ", "")
    form_post(client, "/compte/double-authentification", {"code": pyotp.TOTP(secret).at(clock())})
    app.config["THROTTLE_ACCOUNT"] = (1000, 5, 300)
    other = app.test_client()
    form_post(other, "/connexion", {"identifiant": account.identifiant, "password": password})
    for code in ("\x00", "12345\x00", "x" * 41, "١٢٣٤٥٦", "      ", "123 456"):
        response = form_post(other, "/connexion/code", {"code": code})
        html = response.get_data(as_text=True)
        assert response.status_code in (400, 401), code
        assert "Saisissez le code à 6 chiffres" in html or "Code incorrect ou déjà utilisé" in html
