"""`carriere demo`: database, demo agents, gestionnaire, clock inside the saisie window; the one-port app."""
from __future__ import annotations

import re
from datetime import datetime

import pyotp
import pytest
from werkzeug.test import Client

from forms_app import demo as cli
from forms_app.core.config import DEFAULTS
from forms_app.wsgi import combine
from generator.cli import main as carriere
from generator.model import PARIS


@pytest.fixture
def demo_env(tmp_path, monkeypatch):
    """A throwaway demo database; the site build is skipped (the generator's own tests cover it)."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("CARRIERE_DATABASE_URL", url)
    # Set (then restored by monkeypatch) every variable `carriere demo` writes, so none leaks out.
    for name in ("CARRIERE_NOW", "CARRIERE_DEV", "CARRIERE_ROOT"):
        monkeypatch.setenv(name, "")
    monkeypatch.delenv("CARRIERE_DEV")
    monkeypatch.delenv("CARRIERE_ROOT")
    monkeypatch.setitem(DEFAULTS, "ARGON2_PARAMS", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
    monkeypatch.setattr(cli, "_build", lambda root: tmp_path / "site")
    return url


TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def log_in_with_totp(app, identifiant: str, password: str, secret: str):
    """A client logged in with the printed password, then the code of the printed TOTP key."""
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    response = client.post("/connexion", data={"identifiant": identifiant, "password": password,
                                               "csrf_token": TOKEN.search(page).group(1)})
    assert response.headers["Location"] == "/connexion/code"
    page = client.get("/connexion/code").get_data(as_text=True)
    code = pyotp.TOTP(secret.replace(" ", "")).now()
    assert client.post("/connexion/code", data={"code": code, "csrf_token": TOKEN.search(page).group(1)}).status_code == 302
    return client


def test_demo_prepares_everything_and_prints_the_accounts(demo_env, capsys, monkeypatch):
    assert carriere(["demo", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert "Enseignants (premier mot de passe = NUMEN, à changer à la première connexion) :" in out
    first = re.search(r"^  (jdupont)\s+Jean Dupont\s+([0-9A-Z]{13})$", out, re.M)
    assert first, out
    assert "identifiant : gestion" in out and f"mot de passe : {cli.DEMO_GESTIONNAIRE_PASSWORD}" in out
    secret = re.search(r"clé TOTP : ([A-Z2-7 ]+)  \(code du moment : carriere demo-totp\)", out).group(1)

    # The printed credentials open the app built from the same environment.
    from forms_app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "démo"})
    client = app.test_client()
    token = lambda page: re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # noqa: E731
    page = client.get("/connexion").get_data(as_text=True)
    response = client.post("/connexion", data={"identifiant": "jdupont", "password": first.group(2), "csrf_token": token(page)})
    assert response.headers["Location"] == "/"
    other = log_in_with_totp(app, "gestion", cli.DEMO_GESTIONNAIRE_PASSWORD, secret)
    assert other.get("/").status_code == 200
    app.extensions["carriere_db"]["engine"].dispose()

    assert carriere(["demo-totp"]) == 0
    assert re.fullmatch(r"\d{6}\n", capsys.readouterr().out)


def test_demo_evaluators_log_in_with_the_printed_credentials_and_see_their_scope(demo_env, capsys, monkeypatch):
    monkeypatch.setenv("CARRIERE_NOW", "2027-02-22T12:00:00+01:00")  # inside hors-classe-2027's avis phase
    assert carriere(["demo", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert f"mot de passe : {cli.DEMO_EVALUATEUR_PASSWORD}" in out
    printed = dict(re.findall(r"clé TOTP : ([A-Z2-7 ]+)  \(code du moment : carriere demo-totp (\w+)\)", out))
    accounts = {ident: key for key, ident in printed.items()}
    assert sorted(accounts) == ["hproviseure", "pinspecteur", "rrectrice"], out
    assert "hproviseure  Chef d'établissement — Lycée Jules-Ferry (0435708W)" in out

    from forms_app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "démo"})
    secret = re.search(r"clé TOTP : ([A-Z2-7 ]+)  \(code du moment : carriere demo-totp\)", out).group(1)
    gestion = log_in_with_totp(app, "gestion", cli.DEMO_GESTIONNAIRE_PASSWORD, secret)  # opens the promouvables
    page = gestion.get("/promotions/hors-classe-2027").get_data(as_text=True)
    assert gestion.post("/promotions/hors-classe-2027/ouvrir",
                        data={"csrf_token": TOKEN.search(page).group(1)}).status_code == 302
    chef = log_in_with_totp(app, "hproviseure", cli.DEMO_EVALUATEUR_PASSWORD, accounts["hproviseure"])
    table = chef.get("/promotions/hors-classe-2027/avis").get_data(as_text=True)
    assert "D'Aubigny" in table or "D&#39;Aubigny" in table, table
    assert "Vidal" not in table  # another établissement: not in her scope
    inspecteur = log_in_with_totp(app, "pinspecteur", cli.DEMO_EVALUATEUR_PASSWORD, accounts["pinspecteur"])
    table = inspecteur.get("/promotions/hors-classe-2027/avis").get_data(as_text=True)
    assert "Martin" in table and "Vidal" not in table  # Julien Martin's discipline, not Élodie Vidal's
    app.extensions["carriere_db"]["engine"].dispose()

    assert carriere(["demo-totp", "pinspecteur"]) == 0
    assert re.fullmatch(r"\d{6}\n", capsys.readouterr().out)
    assert carriere(["demo-totp", "jdupont"]) == 1  # a teacher is not a demo account with TOTP
    assert "n'est pas un compte de démonstration" in capsys.readouterr().err


def test_demo_is_rerunnable(demo_env, capsys):
    assert carriere(["demo", "--no-serve"]) == 0
    capsys.readouterr()
    assert carriere(["demo", "--no-serve"]) == 0
    assert "0 créé, 0 mis à jour, 36 inchangés" in capsys.readouterr().out.replace("37", "36")


@pytest.mark.parametrize(
    "real, expected",
    [
        (datetime(2026, 11, 25, 9, 0, tzinfo=PARIS), None),  # window open: the real clock
        (datetime(2027, 1, 15, 9, 0, tzinfo=PARIS), datetime(2026, 11, 18, 12, 0, tzinfo=PARIS)),
        (datetime(2026, 9, 1, 9, 0, tzinfo=PARIS), datetime(2026, 11, 18, 12, 0, tzinfo=PARIS)),
    ],
)
def test_demo_clock_lands_inside_the_saisie_window(project_root, monkeypatch, real, expected):
    import forms_app.core.clock

    monkeypatch.delenv("CARRIERE_NOW", raising=False)
    monkeypatch.setattr(forms_app.core.clock, "system_now", lambda: real)
    assert cli._demo_now(project_root) == expected


@pytest.mark.parametrize(
    "now, expected",
    [
        ("2027-01-15T09:00:00+01:00", "Horloge de démonstration : 15/01/2027 à 09:00, fenêtre de saisie de "
         "« specifique-2027 » close (du 17/11/2026 à 12:00 au 08/12/2026 à 12:00)"),
        ("2026-11-17T11:59:00+01:00", "Horloge de démonstration : 17/11/2026 à 11:59, fenêtre de saisie de "
         "« specifique-2027 » à venir (du 17/11/2026 à 12:00 au 08/12/2026 à 12:00)"),
        ("2026-11-17T12:00:00+01:00", "Horloge de démonstration : 17/11/2026 à 12:00, fenêtre de saisie de "
         "« specifique-2027 » ouverte (du 17/11/2026 à 12:00 au 08/12/2026 à 12:00)"),
    ],
)
def test_demo_prints_the_real_state_of_the_window_at_the_demo_clock(demo_env, capsys, monkeypatch, now, expected):
    monkeypatch.setenv("CARRIERE_NOW", now)
    assert carriere(["demo", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert expected in out, out


def test_demo_without_a_fixed_clock_moves_into_the_window_and_says_so(demo_env, capsys, monkeypatch):
    import forms_app.core.clock

    monkeypatch.setattr(forms_app.core.clock, "system_now", lambda: datetime(2027, 1, 15, 9, 0, tzinfo=PARIS))
    assert carriere(["demo", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert ("Horloge de démonstration : 18/11/2026 à 12:00, fenêtre de saisie de « specifique-2027 » ouverte "
            "(du 17/11/2026 à 12:00 au 08/12/2026 à 12:00)") in out, out


# --- one port: the site at /, the app at /app -------------------------------------------------


@pytest.fixture
def combined(app, tmp_path):
    site = tmp_path / "site"
    (site / "guides").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Accueil du site</h1>", encoding="utf-8")
    (site / "guides" / "index.html").write_text("<h1>Guides</h1>", encoding="utf-8")
    (site / "404.html").write_text("<h1>Page introuvable du site</h1>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("ne pas servir", encoding="utf-8")
    return Client(combine(site, app))


def test_site_at_root_and_app_under_app(combined):
    home = combined.get("/")
    assert home.status_code == 200 and "Accueil du site" in home.get_data(as_text=True)
    assert home.headers["Content-Type"] == "text/html; charset=utf-8"
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    login = combined.get("/app/connexion").get_data(as_text=True)
    assert 'action="/app/connexion"' in login
    assert combined.get("/app/").headers["Location"].startswith("/app/connexion")


def test_site_folders_missing_pages_and_escapes(combined):
    assert combined.get("/guides").headers["Location"] == "/guides/"
    assert "Guides" in combined.get("/guides/").get_data(as_text=True)
    missing = combined.get("/nulle-part/")
    assert missing.status_code == 404 and "Page introuvable du site" in missing.get_data(as_text=True)
    assert combined.get("/../secret.txt").status_code == 404
    assert combined.get("/%2e%2e/secret.txt").status_code == 404
    assert combined.post("/").status_code == 405


def test_login_under_app_returns_to_the_asked_page(combined, make_teacher):
    _agent, account, password = make_teacher()
    response = combined.get("/app/compte")
    assert response.headers["Location"] == "/app/connexion?next=/compte"
    page = combined.get(response.headers["Location"]).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = combined.post("/app/connexion", data={"identifiant": account.identifiant, "password": password,
                                                     "csrf_token": token})
    assert response.headers["Location"] == "/app/compte"
    assert combined.get("/app/compte").status_code == 200
