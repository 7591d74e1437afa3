"""Second factor: enrolment with QR code and recovery codes, codes accepted once, gestionnaires forced."""
from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from forms_app.comptes.models import Account, RecoveryCode
from forms_app.core.db import new_session
from forms_app.core.models import AuditEntry

BAD_CODE = "Code incorrect ou déjà utilisé : saisissez le code affiché maintenant par votre application."


def stored(app, account_id: int) -> Account:
    db = new_session(app)
    account = db.get(Account, account_id)
    db.close()
    return account


def enrol(client, clock, form_post):
    """Enrol the logged-in account; return (secret, recovery codes, page)."""
    page = client.get("/compte/double-authentification").data.decode()
    secret = re.search(r'<code class="totp-secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    code = pyotp.TOTP(secret).at(clock())
    response = form_post(client, "/compte/double-authentification", {"code": code})
    assert response.status_code == 200, response.data.decode()
    html = response.data.decode()
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", html)
    return secret, codes, html


def test_enrolment_page_shows_an_inline_svg_qr_code_and_the_secret(teacher_client):
    client, _agent, _account = teacher_client
    html = client.get("/compte/double-authentification").data.decode()
    assert "<svg" in html and "<script" not in html
    assert re.search(r'<code class="totp-secret">[A-Z2-7]{4}( [A-Z2-7]{4})+</code>', html)
    # The same secret is offered until enrolment succeeds (a reload does not invalidate the scan).
    again = client.get("/compte/double-authentification").data.decode()
    secret = lambda h: re.search(r'totp-secret">([^<]+)<', h).group(1)  # noqa: E731
    assert secret(html) == secret(again)


def test_teacher_enrols_and_gets_ten_recovery_codes_shown_once(app, teacher_client, clock, form_post):
    client, _agent, account = teacher_client
    secret, codes, html = enrol(client, clock, form_post)
    assert "La double authentification est activée." in html
    assert len(codes) == 10 and len(set(codes)) == 10
    row = stored(app, account.id)
    assert row.totp_enabled and row.totp_secret == secret
    db = new_session(app)
    hashes = db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.account_id == account.id)).all()
    audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "double_authentification_activee")).all()
    db.close()
    assert len(hashes) == 10 and not set(codes) & set(hashes)
    assert len(audit) == 1 and secret not in (audit[0].after or "")
    assert not any(c in client.get("/compte").data.decode() for c in codes)


def test_wrong_enrolment_code_is_refused(app, teacher_client, form_post):
    client, _agent, account = teacher_client
    response = form_post(client, "/compte/double-authentification", {"code": "000000"})
    assert response.status_code == 400
    assert BAD_CODE.replace("'", "&#39;") in response.data.decode()
    assert stored(app, account.id).totp_enabled is False


def test_login_asks_for_the_code_and_accepts_it_once(app, make_teacher, login, clock, form_post):
    _agent, account, password = make_teacher()
    first = app.test_client()
    login(first, account.identifiant, password)
    secret, codes, _ = enrol(first, clock, form_post)
    clock.advance(seconds=30)
    code = pyotp.TOTP(secret).at(clock())

    browser = app.test_client()
    response = form_post(browser, "/connexion", {"identifiant": account.identifiant, "password": password})
    assert response.headers["Location"] == "/connexion/code"
    assert browser.get("/compte").status_code == 302  # not logged in yet
    assert form_post(browser, "/connexion/code", {"code": code}).status_code == 302
    assert browser.get("/compte").status_code == 200

    replay = app.test_client()
    form_post(replay, "/connexion", {"identifiant": account.identifiant, "password": password})
    response = form_post(replay, "/connexion/code", {"code": code})
    assert response.status_code == 401
    assert BAD_CODE.replace("'", "&#39;") in response.data.decode()


def test_recovery_code_works_once(app, make_teacher, login, clock, form_post):
    _agent, account, password = make_teacher()
    first = app.test_client()
    login(first, account.identifiant, password)
    _secret, codes, _ = enrol(first, clock, form_post)
    for attempt, expected in ((codes[3].upper(), 302), (codes[3], 401)):
        browser = app.test_client()
        form_post(browser, "/connexion", {"identifiant": account.identifiant, "password": password})
        assert form_post(browser, "/connexion/code", {"code": attempt}).status_code == expected
    assert "<dt>Codes de secours restants</dt><dd>9 sur 10</dd>" in first.get("/compte").get_data(as_text=True)
    db = new_session(app)
    logins = db.scalars(select(AuditEntry.after).where(AuditEntry.action == "connexion")).all()
    db.close()
    assert logins[-1] == '{"methode": "mot de passe et code de secours"}'
    assert codes[3] not in "".join(logins)


def test_code_step_expires_after_five_minutes(app, make_teacher, login, clock, form_post):
    _agent, account, password = make_teacher()
    first = app.test_client()
    login(first, account.identifiant, password)
    secret, _codes, _ = enrol(first, clock, form_post)
    browser = app.test_client()
    form_post(browser, "/connexion", {"identifiant": account.identifiant, "password": password})
    clock.advance(minutes=6)
    response = form_post(browser, "/connexion/code", {"code": pyotp.TOTP(secret).at(clock())}, page="/connexion")
    assert response.status_code == 302 and response.headers["Location"] == "/connexion?expire=1"
    assert browser.get("/compte").status_code == 302


def test_teacher_may_disable_with_password(app, teacher_client, clock, form_post):
    client, _agent, account = teacher_client
    enrol(client, clock, form_post)
    response = form_post(client, "/compte/double-authentification/desactiver", {"password": "faux"}, page="/compte")
    assert response.status_code == 400 and "Le mot de passe actuel est incorrect." in response.data.decode()
    assert stored(app, account.id).totp_enabled
    response = form_post(client, "/compte/double-authentification/desactiver",
                         {"password": "une phrase assez longue pour la salle 12"}, page="/compte")
    assert response.status_code == 302
    assert stored(app, account.id).totp_enabled is False and stored(app, account.id).totp_secret is None


def test_gestionnaire_logs_in_with_totp(gestionnaire_client):
    client, account = gestionnaire_client
    html = client.get("/").data.decode()
    assert "Claire Gestion" in html and "gestionnaire" in html


def test_gestionnaire_cannot_disable_totp(app, gestionnaire_client, form_post):
    client, account = gestionnaire_client
    response = form_post(client, "/compte/double-authentification/desactiver",
                         {"password": "le registre des mutations reste ouvert"}, page="/compte")
    assert response.status_code == 403
    assert stored(app, account.id).totp_enabled


def test_gestionnaire_without_totp_must_enrol_first(app, make_gestionnaire, login, clock, form_post):
    account, password = make_gestionnaire()
    db = new_session(app)
    from forms_app.core.db import write_transaction

    with write_transaction(db):
        db.get(Account, account.id).totp_enabled = False
    db.close()
    client = app.test_client()
    assert login(client, account.identifiant, password).status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/compte/double-authentification"
    page = client.get("/compte/double-authentification").data.decode()
    assert "Les comptes de gestionnaire doivent être protégés par une double authentification" in page
    enrol(client, clock, form_post)
    assert client.get("/").status_code == 200
