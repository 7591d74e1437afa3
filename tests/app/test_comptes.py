"""« Réactiver le NUMEN »: a gestionnaire gives a teacher who cannot log in their first password back."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select, update

from forms_app.comptes.models import Account, RecoveryCode, UserSession
from forms_app.comptes.views.connexion import MSG_BAD_LOGIN, MSG_FIRST_EXPIRED
from forms_app.core.db import new_session, write_transaction
from forms_app.core.models import AuditEntry


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.data.decode())))


def account_of(app, account_id: int) -> Account:
    db = new_session(app)
    try:
        return db.get(Account, account_id)
    finally:
        db.close()


@pytest.fixture
def gestionnaire(app, make_gestionnaire, login):
    client = app.test_client()
    account, password = make_gestionnaire()
    assert login(client, account.identifiant, password).status_code == 302
    return client, account


TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def reactivate(client, agent_id: int, **fields):
    page = client.get(f"/comptes/{agent_id}/numen")
    assert page.status_code == 200
    token = TOKEN.search(page.data.decode()).group(1)
    return client.post(f"/comptes/{agent_id}/numen", data={"csrf_token": token, **fields})


def test_a_forgotten_password_is_replaced_by_the_numen_for_one_login(app, make_teacher, login, gestionnaire, form_post):
    agent, account, password = make_teacher()
    teacher = app.test_client()
    assert login(teacher, account.identifiant, password).status_code == 302  # a session left open
    client, gest = gestionnaire

    dossier = client.get(f"/dossier/agents/{agent.id}/").data.decode()
    assert f'href="/comptes/{agent.id}/numen"' in dossier
    page = text_of(client.get(f"/comptes/{agent.id}/numen"))
    assert f"Réactiver le NUMEN de {agent.civilite} {agent.prenom} {agent.nom}" in page
    assert "L'enseignant a choisi son mot de passe ; le NUMEN ne permet plus de se connecter." in page
    assert "double authentification" not in page  # not enrolled: nothing to remove

    done = reactivate(client, agent.id)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/dossier/agents/{agent.id}/")
    shown = text_of(client.get(done.headers["Location"]))
    assert (f"Le NUMEN de {agent.prenom} {agent.nom} ({account.identifiant}) est de nouveau son mot de passe "
            "initial, valable pour une connexion jusqu'au") in shown
    assert "ses sessions ouvertes ont été fermées" in shown

    assert teacher.get("/dossier/").status_code == 302  # the open session was ended
    fresh = app.test_client()
    refused = form_post(fresh, "/connexion", {"identifiant": account.identifiant, "password": password})
    assert refused.status_code == 401 and MSG_BAD_LOGIN in text_of(refused)
    assert login(fresh, account.identifiant, agent.numen).status_code == 302
    forced = fresh.get("/dossier/")
    assert forced.status_code == 302 and forced.headers["Location"] == "/compte/mot-de-passe"
    again = form_post(app.test_client(), "/connexion", {"identifiant": account.identifiant, "password": agent.numen})
    assert again.status_code == 401  # once only

    db = new_session(app)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "numen_reactive")).one()
    db.close()
    assert entry.actor_id == gest.id and entry.target == f"compte:{account.identifiant}"
    assert agent.numen not in (entry.after or "") and "valable_jusqu_au" in entry.after


def test_an_expired_numen_is_given_a_new_validity(app, make_teacher, login, gestionnaire, form_post):
    agent, account, numen = make_teacher(first_login=True)
    db = new_session(app)
    with write_transaction(db):
        db.execute(update(Account).where(Account.id == account.id)
                   .values(first_secret_expires_at=app.config["SECURITY_CLOCK"]() - timedelta(days=1)))
    db.close()
    refused = form_post(app.test_client(), "/connexion", {"identifiant": account.identifiant, "password": numen})
    assert refused.status_code == 401 and MSG_FIRST_EXPIRED in text_of(refused)
    client, _gest = gestionnaire
    assert "Le NUMEN, mot de passe initial, a expiré" in text_of(client.get(f"/comptes/{agent.id}/numen"))
    assert reactivate(client, agent.id).status_code == 302
    stored = account_of(app, account.id)
    assert stored.must_change_password and stored.first_secret_used_at is None
    assert stored.first_secret_expires_at - app.config["SECURITY_CLOCK"]() > timedelta(days=59)
    assert login(app.test_client(), account.identifiant, numen).status_code == 302


def test_failed_logins_are_forgotten(app, make_teacher, login, gestionnaire, form_post):
    agent, account, _password = make_teacher()
    for _ in range(5):
        form_post(app.test_client(), "/connexion", {"identifiant": account.identifiant, "password": "pas le bon"})
    blocked = form_post(app.test_client(), "/connexion", {"identifiant": account.identifiant, "password": agent.numen})
    assert blocked.status_code == 429
    client, _gest = gestionnaire
    assert reactivate(client, agent.id).status_code == 302
    assert login(app.test_client(), account.identifiant, agent.numen).status_code == 302


def test_the_second_factor_goes_only_when_asked(app, make_teacher, login, gestionnaire, form_post):
    agent, account, password = make_teacher()
    db = new_session(app)
    with write_transaction(db):
        db.execute(update(Account).where(Account.id == account.id)
                   .values(totp_enabled=True, totp_secret="JBSWY3DPEHPK3PXP"))
        db.add(RecoveryCode(account_id=account.id, code_hash="x" * 64))
    db.close()
    client, _gest = gestionnaire
    page = text_of(client.get(f"/comptes/{agent.id}/numen"))
    assert "Désactiver aussi la double authentification (téléphone perdu ou changé)" in page
    assert reactivate(client, agent.id).status_code == 302
    assert account_of(app, account.id).totp_enabled  # not ticked: kept
    assert reactivate(client, agent.id, sans_totp="y").status_code == 302
    stored = account_of(app, account.id)
    assert not stored.totp_enabled and stored.totp_secret is None
    db = new_session(app)
    assert db.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.account_id == account.id)) == 0
    db.close()
    assert "La double authentification est désactivée" in text_of(client.get(f"/dossier/agents/{agent.id}/"))
    first = form_post(app.test_client(), "/connexion", {"identifiant": account.identifiant, "password": agent.numen})
    assert first.status_code == 302 and first.headers["Location"] == "/"  # logged in, no code asked


def test_only_a_gestionnaire_with_a_valid_form_changes_anything(app, make_teacher, teacher_client, gestionnaire, csrf):
    client, own_agent, _own = teacher_client
    agent, account, _password = make_teacher(prenom="Paul", nom="Autre")
    before = account_of(app, account.id).password_hash
    assert client.get(f"/comptes/{agent.id}/numen").status_code == 403
    assert client.get(f"/comptes/{own_agent.id}/numen").status_code == 403
    token = csrf(client.get("/dossier/").data)
    assert client.post(f"/comptes/{agent.id}/numen", data={"csrf_token": token}).status_code == 403
    gest, _account = gestionnaire
    no_token = gest.post(f"/comptes/{agent.id}/numen", data={})
    assert no_token.status_code == 400
    assert "Votre session a expiré, renvoyez le formulaire." in text_of(no_token)
    assert gest.get("/comptes/999999/numen").status_code == 404
    assert gest.get("/comptes/99999999999999999999/numen").status_code == 404
    assert account_of(app, account.id).password_hash == before
    db = new_session(app)
    assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "numen_reactive")) == 0
    assert db.scalar(select(func.count()).select_from(UserSession).where(UserSession.account_id == account.id)) == 0
    db.close()
