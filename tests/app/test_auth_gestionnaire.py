"""`carriere gestionnaire ajouter`: a one-time first password, then password choice, then TOTP."""
from __future__ import annotations

import re

import pyotp

from forms_app.core.config import DEFAULTS
from generator.cli import main as carriere


def test_new_gestionnaire_chooses_a_password_then_enrols(app, db_url, monkeypatch, capsys, login, form_post, clock):
    monkeypatch.setenv("CARRIERE_DATABASE_URL", db_url)
    monkeypatch.setitem(DEFAULTS, "ARGON2_PARAMS", app.config["ARGON2_PARAMS"])
    assert carriere(["gestionnaire", "ajouter", "--prenom", "Élise", "--nom", "Noël"]) == 0
    out = capsys.readouterr().out
    assert "Compte gestionnaire créé : enoel (Élise Noël)" in out
    first = re.search(r"Premier mot de passe \(une seule fois, jusqu'au \d\d/\d\d/\d{4} inclus\) : (\S+)", out).group(1)

    client = app.test_client()
    assert login(client, "enoel", first).status_code == 302
    assert client.get("/").headers["Location"] == "/compte/mot-de-passe"
    new = "la gestion des mutations commence demain"
    form_post(client, "/compte/mot-de-passe", {"new_password": new, "confirm": new})
    assert client.get("/").headers["Location"] == "/compte/double-authentification"
    page = client.get("/compte/double-authentification").get_data(as_text=True)
    secret = re.search(r'totp-secret">([^<]+)<', page).group(1).replace(" ", "")
    form_post(client, "/compte/double-authentification", {"code": pyotp.TOTP(secret).at(clock())})
    assert client.get("/").status_code == 200


def test_names_without_letters_are_refused(db_url, monkeypatch, capsys, app):
    monkeypatch.setenv("CARRIERE_DATABASE_URL", db_url)
    assert carriere(["gestionnaire", "ajouter", "--prenom", "-", "--nom", "'"]) == 1
    assert "--prenom et --nom doivent contenir des lettres" in capsys.readouterr().err
