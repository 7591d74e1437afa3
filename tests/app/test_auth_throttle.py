"""Growing delays after failed logins: per account and per address, in the database, never permanent."""
from __future__ import annotations

import pytest

from forms_app import create_app
from forms_app.comptes.throttle import delay_seconds

WRONG = "ce n'est pas le bon mot de passe"


def fail(client, form_post, identifiant="jdupont", password=WRONG, **kwargs):
    return form_post(client, "/connexion", {"identifiant": identifiant, "password": password}, **kwargs)


@pytest.mark.parametrize(
    "failures, expected",
    [(0, 0), (4, 0), (5, 5), (6, 10), (7, 20), (10, 160), (11, 300), (60, 300)],
)
def test_delay_grows_then_is_capped(failures, expected):
    assert delay_seconds(failures, 5, 5, 300) == expected


def test_sixth_try_waits_with_a_french_message(client, make_teacher, form_post, clock):
    _agent, account, password = make_teacher()
    for _ in range(5):
        assert fail(client, form_post).status_code == 401
    response = fail(client, form_post, password=password)  # even the right password waits
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "5"
    assert "Trop de tentatives. Réessayez dans 5 secondes." in response.data.decode()
    clock.advance(seconds=5)
    assert fail(client, form_post, password=password).status_code == 302


def test_delay_doubles_on_each_failure_after_the_threshold(client, make_teacher, form_post, clock):
    make_teacher()
    for _ in range(5):
        fail(client, form_post)
    clock.advance(seconds=5)
    assert fail(client, form_post).status_code == 401  # sixth failure: 10 s now
    response = fail(client, form_post)
    assert "Réessayez dans 10 secondes." in response.data.decode()


def test_unknown_identifiants_are_throttled_the_same(client, form_post):
    for _ in range(5):
        fail(client, form_post, identifiant="personne")
    response = fail(client, form_post, identifiant="personne")
    assert response.status_code == 429


def test_delay_is_kept_in_the_database_across_app_instances(app_config, make_teacher, form_post, app):
    make_teacher()
    for _ in range(5):
        fail(app.test_client(), form_post)
    other_worker = create_app(app_config)  # another process would see the same rows
    response = fail(other_worker.test_client(), form_post)
    assert response.status_code == 429
    other_worker.extensions["carriere_db"]["engine"].dispose()


def test_address_is_throttled_across_identifiants(client, form_post):
    for n in range(20):
        assert fail(client, form_post, identifiant=f"inconnu{n}").status_code == 401
    response = fail(client, form_post, identifiant="encoreunautre")
    assert response.status_code == 429


def test_other_address_is_not_locked_out_by_a_rival(app, make_teacher, form_post, login):
    """A rival hammering an account delays it a little for a while; the owner is never locked."""
    _agent, account, password = make_teacher()
    rival = app.test_client()
    for _ in range(30):
        fail(rival, form_post, environ_base={"REMOTE_ADDR": "192.0.2.66"})
    owner = app.test_client()
    response = form_post(owner, "/connexion", {"identifiant": account.identifiant, "password": password},
                         environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 429  # the account key is delayed…
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 300  # …by at most five minutes, never for good


def test_success_clears_the_account_counter(client, make_teacher, form_post, login, app):
    _agent, account, password = make_teacher()
    for _ in range(4):
        fail(client, form_post)
    assert login(client, account.identifiant, password).status_code == 302
    other = app.test_client()
    for _ in range(4):
        assert fail(other, form_post).status_code == 401  # counting starts again from zero


def test_behind_a_proxy_each_client_has_its_own_address_counter(app_config, make_teacher, form_post):
    app = create_app({**app_config, "PROXIES": 1})
    client = app.test_client()
    for n in range(20):
        fail(client, form_post, identifiant=f"inconnu{n}", headers={"X-Forwarded-For": "203.0.113.9"})
    blocked = fail(client, form_post, identifiant="autre", headers={"X-Forwarded-For": "203.0.113.9"})
    other = fail(client, form_post, identifiant="autre", headers={"X-Forwarded-For": "203.0.113.10"})
    assert blocked.status_code == 429 and other.status_code == 401
    app.extensions["carriere_db"]["engine"].dispose()
