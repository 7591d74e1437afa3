"""Login, first password, forced change, logout, sessions: what the user sees and what is stored."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from forms_app.comptes.models import Account, UserSession
from forms_app.comptes.passwords import make_hasher
from forms_app.core.db import new_session, write_transaction
from forms_app.core.models import AuditEntry

BAD_LOGIN = "Compte utilisateur ou mot de passe incorrect."
TEACHER_PASSWORD = "une phrase assez longue pour la salle 12"  # make_teacher's default
NEW_PASSWORD = "les marronniers du cours Sablon fleurissent"


def audit_rows(app, action: str | None = None) -> list[AuditEntry]:
    db = new_session(app)
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    rows = db.scalars(query).all()
    db.close()
    return rows


def account_row(app, account_id: int) -> Account:
    db = new_session(app)
    account = db.get(Account, account_id)
    db.close()
    return account


def test_login_page_uses_the_portal_wording(client):
    page = client.get("/connexion")
    html = page.data.decode()
    assert page.status_code == 200
    assert "Compte utilisateur" in html and "Mot de passe" in html and ">Valider</button>" in html
    assert 'autocomplete="username"' in html


def test_teacher_logs_in_and_sees_their_name(client, make_teacher, login):
    _agent, account, password = make_teacher(prenom="Claire", nom="Tartemuche")
    response = login(client, "ctartemuche", password)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").data.decode()
    assert "Claire Tartemuche" in home
    assert ">Quitter</button>" in home


def test_identifiant_is_case_insensitive(client, make_teacher, login):
    make_teacher()
    assert login(client, "  JDupont ", TEACHER_PASSWORD).status_code == 302


def test_unknown_identifiant_and_wrong_password_answer_the_same(app, client, make_teacher, form_post):
    make_teacher()
    wrong = form_post(client, "/connexion", {"identifiant": "jdupont", "password": "pas le bon mot de passe"})
    unknown = form_post(client, "/connexion", {"identifiant": "zzinconnu", "password": "pas le bon mot de passe"})
    assert wrong.status_code == unknown.status_code == 401
    assert BAD_LOGIN in wrong.data.decode() and BAD_LOGIN in unknown.data.decode()
    strip = lambda html: html.decode().replace("jdupont", "X").replace("zzinconnu", "X")  # noqa: E731
    token = re.compile(r'value="[^"]*\.[^"]*"')  # CSRF tokens differ
    assert token.sub("", strip(wrong.data)) == token.sub("", strip(unknown.data))
    failures = audit_rows(app, "connexion_echec")
    assert [f.target for f in failures] == ["compte:jdupont", "compte inconnu"]


def test_empty_fields_are_refused_next_to_each_field(client, form_post):
    response = form_post(client, "/connexion", {"identifiant": "", "password": ""})
    html = response.data.decode()
    assert response.status_code == 400
    assert 'id="identifiant-erreur"' in html and "Saisissez votre compte utilisateur, par exemple jdupont." in html
    assert 'id="password-erreur"' in html and "Saisissez votre mot de passe." in html


def test_anonymous_is_sent_to_login_then_back(client, make_teacher, form_post):
    _agent, account, password = make_teacher()
    response = client.get("/compte")
    assert response.status_code == 302 and response.headers["Location"] == "/connexion?next=/compte"
    page = client.get("/connexion?next=/compte").data.decode()
    assert "Connectez-vous pour accéder à cette page." in page
    response = form_post(client, "/connexion", {"identifiant": account.identifiant, "password": password},
                         page="/connexion?next=/compte")
    assert response.headers["Location"] == "/compte"


def test_next_never_leaves_the_app(client, make_teacher, form_post):
    _agent, account, password = make_teacher()
    response = form_post(client, "/connexion", {"identifiant": account.identifiant, "password": password},
                         page="/connexion?next=//evil.example/")
    assert response.headers["Location"] == "/"


# --- first password: the NUMEN ----------------------------------------------------------------


def test_first_login_with_numen_forces_a_password_change(app, client, make_teacher, login, form_post):
    agent, account, numen = make_teacher(first_login=True)
    response = login(client, account.identifiant, numen)
    assert response.status_code == 302
    for url in ("/", "/compte", "/compte/double-authentification"):
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked.headers["Location"] == "/compte/mot-de-passe", url
    page = client.get("/compte/mot-de-passe").data.decode()
    assert "Choisissez votre mot de passe" in page
    assert "Mot de passe actuel" not in page  # the NUMEN was just typed
    response = form_post(client, "/compte/mot-de-passe", {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Votre mot de passe a été changé." in client.get("/").data.decode()
    stored = account_row(app, account.id)
    assert stored.must_change_password is False and stored.first_secret_expires_at is None
    assert numen not in stored.password_hash and stored.password_hash.startswith("$argon2id$")


def test_numen_works_only_once(client, make_teacher, login, app):
    _agent, account, numen = make_teacher(first_login=True)
    assert login(client, account.identifiant, numen).status_code == 302
    other = app.test_client()
    response = login(other, account.identifiant, numen)
    assert response.status_code == 401
    assert ("Votre mot de passe initial (NUMEN) a déjà servi : demandez à votre gestionnaire de le réactiver."
            in response.data.decode())


def test_numen_expires(client, make_teacher, login, clock):
    _agent, account, numen = make_teacher(first_login=True)
    clock.advance(days=61)
    response = login(client, account.identifiant, numen)
    assert response.status_code == 401
    assert ("Votre mot de passe initial (NUMEN) a expiré : demandez à votre gestionnaire de le réactiver."
            in response.data.decode())


def test_numen_no_longer_works_after_the_change(client, make_teacher, login, form_post, app):
    _agent, account, numen = make_teacher(first_login=True)
    login(client, account.identifiant, numen)
    form_post(client, "/compte/mot-de-passe", {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    other = app.test_client()
    assert login(other, account.identifiant, numen).status_code == 401
    assert login(other, account.identifiant, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("typed", ["lower", "spaced"])
def test_numen_typed_in_lower_case_or_with_spaces_is_accepted(client, make_teacher, login, typed):
    _agent, account, numen = make_teacher(first_login=True)
    as_typed = numen.lower() if typed == "lower" else f"{numen[:3]} {numen[3:10]} {numen[10:].lower()}"
    response = login(client, account.identifiant.upper(), as_typed)
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/compte/mot-de-passe"


def test_a_wrong_numen_in_lower_case_is_still_refused_with_the_generic_message(client, make_teacher, login):
    _agent, account, numen = make_teacher(first_login=True)
    wrong = (numen[:-1] + ("A" if numen[-1] != "A" else "B")).lower()
    response = login(client, account.identifiant, wrong)
    assert response.status_code == 401
    assert "Compte utilisateur ou mot de passe incorrect." in response.data.decode()


def test_a_chosen_password_stays_case_sensitive(client, make_teacher, login):
    _agent, account, password = make_teacher(password="Une Phrase Assez Longue Pour La Salle 12")
    assert login(client, account.identifiant, password.lower()).status_code == 401
    assert login(client, account.identifiant, password).status_code == 302


# --- new password rules -----------------------------------------------------------------------

RULES = [
    ("court", "Le mot de passe doit comporter au moins 12 caractères."),
    ("x" * 257, "Le mot de passe ne doit pas dépasser 256 caractères."),
    ("mon 43T1657894PES secret", "Le mot de passe ne doit pas contenir votre NUMEN."),
    ("bonjour jdupont et merci", "Le mot de passe ne doit pas contenir votre identifiant."),
    ("la famille Dupont en été", "Le mot de passe ne doit contenir ni votre nom ni votre prénom."),
    ("Jean au bord du lac bleu", "Le mot de passe ne doit contenir ni votre nom ni votre prénom."),
    ("motdepasse2026!", "Ce mot de passe est trop courant : choisissez-en un autre, par exemple une phrase de plusieurs mots."),
    ("azertyuiop123", "Ce mot de passe est trop courant : choisissez-en un autre, par exemple une phrase de plusieurs mots."),
    ("aaaaaaaaaaaaaaaa", "Ce mot de passe est trop courant : choisissez-en un autre, par exemple une phrase de plusieurs mots."),
]


@pytest.mark.parametrize("new, message", RULES)
def test_new_password_rules(app, client, make_teacher, login, form_post, new, message):
    _agent, account, numen = make_teacher(first_login=True, numen="43T1657894PES")
    login(client, account.identifiant, numen)
    response = form_post(client, "/compte/mot-de-passe", {"new_password": new, "confirm": new})
    html = response.data.decode()
    assert response.status_code == 400
    assert message.replace("'", "&#39;") in html
    assert 'id="new_password-erreur"' in html
    assert account_row(app, account.id).must_change_password is True  # nothing changed


def test_confirmation_must_match(client, make_teacher, login, form_post):
    _agent, account, numen = make_teacher(first_login=True)
    login(client, account.identifiant, numen)
    response = form_post(client, "/compte/mot-de-passe", {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert response.status_code == 400
    assert "Les deux mots de passe saisis sont différents : saisissez deux fois le même." in response.data.decode()


def test_voluntary_change_asks_for_the_current_password(client, teacher_client, form_post):
    client, _agent, _account = teacher_client
    response = form_post(client, "/compte/mot-de-passe",
                         {"current_password": "pas celui-là du tout", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert "Le mot de passe actuel est incorrect." in response.data.decode()
    response = form_post(client, "/compte/mot-de-passe",
                         {"current_password": TEACHER_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302


def test_password_change_ends_every_other_session(app, make_teacher, login, form_post):
    _agent, account, password = make_teacher()
    first, second = app.test_client(), app.test_client()
    login(first, account.identifiant, password)
    login(second, account.identifiant, password)
    assert second.get("/compte").status_code == 200
    form_post(first, "/compte/mot-de-passe",
              {"current_password": password, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert second.get("/compte").status_code == 302  # back to the login page
    assert first.get("/compte").status_code == 200  # the one who changed it stays, under a new id
    audit = audit_rows(app, "mot_de_passe_change")
    assert len(audit) == 1 and audit[0].actor_id == account.id


def test_rehash_when_parameters_change(app, login):
    """An account hashed with weaker parameters than the app's is rehashed at login."""
    weak = make_hasher({"time_cost": 1, "memory_cost": 512, "parallelism": 1})
    hasher = app.extensions["carriere_hasher"]
    db = new_session(app)
    with write_transaction(db):
        account = Account(identifiant="rehash", role="enseignant", agent_id=None, display_name="Re Hash",
                          password_hash=weak.hash(TEACHER_PASSWORD), must_change_password=False,
                          totp_enabled=False, created_at=app.config["CLOCK"]())
        db.add(account)
    db.close()
    assert hasher.check_needs_rehash(account.password_hash)
    assert login(app.test_client(), "rehash", TEACHER_PASSWORD).status_code == 302
    stored = account_row(app, account.id)
    assert stored.password_hash != account.password_hash
    assert not hasher.check_needs_rehash(stored.password_hash)


# --- sessions ---------------------------------------------------------------------------------


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("carriere_session")
    return cookie.value if cookie else None


def test_login_gives_a_new_session_id(client, make_teacher, login, app):
    _agent, account, password = make_teacher()
    client.get("/connexion")
    before = session_cookie(client)
    assert before  # the CSRF token made an anonymous session
    login(client, account.identifiant, password)
    after = session_cookie(client)
    assert after and after != before
    # The pre-login id is dead: a client replaying it is anonymous.
    attacker = app.test_client()
    attacker.set_cookie("carriere_session", before)
    assert attacker.get("/compte").status_code == 302


def test_cookie_holds_no_data_and_db_holds_no_token(client, make_teacher, login, app):
    _agent, account, password = make_teacher()
    login(client, account.identifiant, password)
    token = session_cookie(client)
    assert "." not in token and len(token) >= 40
    db = new_session(app)
    ids = db.scalars(select(UserSession.id_hash)).all()
    db.close()
    assert token not in ids and all(len(i) == 64 for i in ids)


def test_logout_is_a_post_that_destroys_the_session(client, teacher_client, form_post, app):
    client, _agent, account = teacher_client
    token = session_cookie(client)
    assert client.get("/deconnexion").status_code == 405
    response = form_post(client, "/deconnexion", page="/")
    assert response.status_code == 302 and response.headers["Location"] == "/connexion?deconnecte=1"
    assert "Vous êtes déconnecté." in client.get(response.headers["Location"]).data.decode()
    replay = app.test_client()
    replay.set_cookie("carriere_session", token)
    assert replay.get("/compte").status_code == 302
    assert [r.action for r in audit_rows(app) if r.actor_id == account.id][-1] == "deconnexion"


def test_logout_without_csrf_token_is_refused(teacher_client):
    client, _agent, _account = teacher_client
    response = client.post("/deconnexion")
    assert response.status_code == 400
    assert "Votre session a expiré, renvoyez le formulaire." in response.data.decode()
    assert client.get("/compte").status_code == 200


def test_idle_timeout(teacher_client, clock):
    client, _agent, _account = teacher_client
    clock.advance(minutes=29)
    assert client.get("/compte").status_code == 200
    clock.advance(minutes=29)
    assert client.get("/compte").status_code == 200  # activity kept it alive
    clock.advance(minutes=31)
    response = client.get("/compte")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion?next=/compte&expire=1"
    page = client.get(response.headers["Location"]).data.decode()
    assert "Votre session a expiré : reconnectez-vous." in page


def test_absolute_timeout(teacher_client, clock):
    client, _agent, _account = teacher_client
    for _ in range(24):  # active every 25 minutes for 10 hours
        clock.advance(minutes=25)
        assert client.get("/compte").status_code == 200
    for _ in range(5):
        clock.advance(minutes=25)
        client.get("/compte")
    assert client.get("/compte").status_code == 302  # past 12 hours


def test_expired_sessions_are_purged_at_login(app, make_teacher, login, clock):
    _agent, account, password = make_teacher()
    for _ in range(3):
        app.test_client().get("/connexion")
    clock.advance(hours=1)
    login(app.test_client(), account.identifiant, password)
    db = new_session(app)
    count = db.scalar(select(func.count()).select_from(UserSession))
    db.close()
    assert count == 1


def test_audit_never_holds_secrets(app, client, make_teacher, login, form_post):
    agent, account, numen = make_teacher(first_login=True)
    form_post(client, "/connexion", {"identifiant": account.identifiant, "password": "mauvais mot de passe"})
    login(client, account.identifiant, numen)
    form_post(client, "/compte/mot-de-passe", {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    rows = audit_rows(app)
    assert [r.action for r in rows][-3:] == ["connexion_echec", "connexion", "mot_de_passe_change"]
    dump = json.dumps([[r.target, r.before, r.after] for r in rows])
    for secret in (numen, NEW_PASSWORD, "mauvais mot de passe", "argon2"):
        assert secret not in dump
    assert all(r.at is not None for r in rows)


def test_audit_scrub_drops_secret_keys():
    from forms_app.core.audit import scrub

    assert json.loads(scrub({"nom": "Dupont", "numen": "X", "nested": {"password": "p", "ok": 1}})) == {
        "nom": "Dupont", "nested": {"ok": 1}}


def test_clock_banner_shows_when_now_is_fixed(app_config, make_teacher, login, monkeypatch):
    from forms_app import create_app

    monkeypatch.setenv("CARRIERE_NOW", "2026-11-18T12:00:00")
    config = {k: v for k, v in app_config.items() if k != "CLOCK"}
    app = create_app(config)
    page = app.test_client().get("/connexion").data.decode()
    assert "Horloge de démonstration\u00a0: 18/11/2026 à 12:00 (heure de Paris)" in page
    from forms_app.core.clock import now

    with app.app_context():
        assert now().isoformat() == "2026-11-18T12:00:00+01:00"
    app.extensions["carriere_db"]["engine"].dispose()


def test_no_banner_with_the_real_clock(client):
    assert "Horloge de démonstration" not in client.get("/connexion").data.decode()



def test_unknown_identifiant_costs_one_password_verification_too(app, client, make_teacher, form_post, monkeypatch):
    make_teacher()
    calls: list[str] = []

    class Spy:
        """The app's hasher, recording which hash each verification used."""

        def __init__(self, real):
            self.real = real

        def __getattr__(self, name):
            return getattr(self.real, name)

        def verify(self, password_hash, password):
            calls.append(password_hash)
            return self.real.verify(password_hash, password)

    monkeypatch.setitem(app.extensions, "carriere_hasher", Spy(app.extensions["carriere_hasher"]))
    form_post(client, "/connexion", {"identifiant": "jdupont", "password": "pas le bon mot de passe"})
    form_post(client, "/connexion", {"identifiant": "zzinconnu", "password": "pas le bon mot de passe"})
    assert len(calls) == 2
    assert calls[1] == app.extensions["carriere_dummy_hash"]
    assert calls[0].split("$")[:4] == calls[1].split("$")[:4]  # same algorithm and cost
