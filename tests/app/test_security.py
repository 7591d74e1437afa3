"""Headers, cookies, CSRF, body size limit and error pages."""
from __future__ import annotations

import pytest

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


@pytest.mark.parametrize("url", ["/connexion", "/", "/nulle-part"])
def test_security_headers_on_every_answer(client, url):
    response = client.get(url)
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_personal_pages_are_not_stored(teacher_client):
    client, _agent, _account = teacher_client
    for url in ("/", "/compte"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"


def test_no_inline_script_or_style_in_app_pages(teacher_client):
    client, _agent, _account = teacher_client
    for url in ("/", "/compte", "/compte/mot-de-passe", "/compte/double-authentification"):
        html = client.get(url).data.decode()
        assert "<script" not in html and "<style" not in html and " style=" not in html, url


def test_session_cookie_flags(app_config, make_teacher):
    from forms_app import create_app

    config = {**app_config, "TESTING": False}  # production defaults: Secure
    app = create_app(config)
    response = app.test_client().get("/connexion")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    app.extensions["carriere_db"]["engine"].dispose()


def test_cookie_not_secure_in_local_development(client):
    cookie = client.get("/connexion").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_csrf_failure_reshows_the_form_with_the_input(client, make_teacher):
    make_teacher()
    client.get("/connexion")
    response = client.post("/connexion", data={"identifiant": "jdupont", "password": "quelque chose", "csrf_token": "faux"})
    html = response.data.decode()
    assert response.status_code == 400
    assert "Votre session a expiré, renvoyez le formulaire." in html
    assert 'value="jdupont"' in html
    assert client.get("/compte").status_code == 302  # not logged in


def test_csrf_failure_on_password_change_changes_nothing(app, teacher_client):
    client, _agent, account = teacher_client
    from forms_app.comptes.models import Account
    from forms_app.core.db import new_session

    response = client.post("/compte/mot-de-passe", data={
        "current_password": "une phrase assez longue pour la salle 12",
        "new_password": "une autre phrase bien longue", "confirm": "une autre phrase bien longue"})
    assert response.status_code == 400
    assert "Votre session a expiré, renvoyez le formulaire." in response.data.decode()
    db = new_session(app)
    assert db.get(Account, account.id).password_hash == account.password_hash
    db.close()


def test_body_over_the_limit_gets_a_readable_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/connexion", data={"identifiant": "x" * 5000, "password": "y"})
    html = response.data.decode()
    assert response.status_code == 413
    assert "Envoi trop volumineux" in html and "dépassent la taille autorisée" in html


@pytest.mark.parametrize(
    "method, url, code, title",
    [
        ("get", "/nulle-part", 404, "Page introuvable"),
        ("get", "/deconnexion", 405, "Méthode non autorisée"),
        ("put", "/connexion", 405, "Méthode non autorisée"),
    ],
)
def test_error_pages_in_french_in_the_layout(client, method, url, code, title):
    response = getattr(client, method)(url)
    html = response.data.decode()
    assert response.status_code == code
    assert f"<h1>{title}</h1>" in html
    assert '<html lang="fr">' in html and "site-footer" in html


def test_unexpected_error_is_a_french_500_page(app, client):
    @app.route("/panne")
    def panne():
        raise RuntimeError("boom")

    response = client.get("/panne")
    assert response.status_code == 500
    html = response.data.decode()
    assert "Erreur du service" in html and "rien n&#39;a été enregistré" in html and "boom" not in html


def test_teacher_gets_403_on_gestionnaire_only_view(app, client, make_teacher, login):
    from forms_app.comptes.access import role_required

    @app.route("/reserve")
    @role_required("gestionnaire")
    def reserve():
        return "secret"

    _agent, account, password = make_teacher()
    login(client, account.identifiant, password)
    response = client.get("/reserve")
    assert response.status_code == 403 and "Accès refusé" in response.data.decode()


def test_bad_cookie_values_are_harmless(app):
    client = app.test_client()
    for value in ("", "x" * 500, "é", "../../etc/passwd"):
        client.set_cookie("carriere_session", value)
        assert client.get("/compte").status_code == 302
