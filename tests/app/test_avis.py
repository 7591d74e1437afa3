"""E-mail and SMS notices: queued with each new message of a teacher, sent once by the worker to a real
SMTP server on 127.0.0.1, retried with backoff after refusals, never for a teacher who turned them off;
the HTTP SMS adapter against a local provider; a worker killed in the middle leaves no duplicate."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from serveurs_locaux import Boite, FournisseurSms, SmtpLocal
from sqlalchemy import func, select

from forms_app.avis.models import Avis
from forms_app.avis.outbox import avis_sms
from forms_app.avis.worker import BACKOFF_S, livrer
from forms_app.core.clock import system_now
from forms_app.core.db import new_session, write_transaction
from forms_app.courrier.messages import send_message

ROOT = Path(__file__).resolve().parents[2]
CONFIDENTIEL = "Votre barème est de 182 points : contenu confidentiel."


@pytest.fixture
def smtp():
    server = SmtpLocal()
    yield server
    server.stop()


@pytest.fixture
def avis_app(app_config, smtp, tmp_path, request):
    """The app with its notices going to the local SMTP server (and SMS to a file under tmp_path)."""
    app_config.update({
        "AVIS_SMTP_HOST": "127.0.0.1", "AVIS_SMTP_PORT": smtp.port, "AVIS_SMTP_TLS": "aucun",
        "AVIS_EXPEDITEUR": "Portail carrière <ne-pas-repondre@carriere.test>",
        "AVIS_FILE": str(tmp_path / "file.db"), "AVIS_DOSSIER": str(tmp_path / "instance"),
        "APP_URL": "https://carriere.test/app", "AVIS_SMS": "fichier", "AVIS_BAIL_S": 60,
    })
    return request.getfixturevalue("app")


def envoyer(app, account_id: int, n: int = 1) -> list[int]:
    """n messages of the administration to this account, each in its own transaction; their ids."""
    ids = []
    with app.app_context():
        db = new_session(app)
        for i in range(n):
            with write_transaction(db):
                ids.append(send_message(db, to_account_id=account_id, sender_account_id=None,
                                        subject=f"Votre dossier {i}", body=CONFIDENTIEL, kind="message").id)
        db.close()
    return ids


def outbox(app) -> list[Avis]:
    db = new_session(app)
    rows = list(db.scalars(select(Avis).order_by(Avis.id)))
    db.close()
    return rows


class Horloge:
    def __init__(self) -> None:
        self.t = system_now()

    def __call__(self):
        return self.t


@pytest.mark.postgres
def test_a_new_message_sends_one_email_notice_without_its_content(avis_app, smtp, make_teacher, make_gestionnaire,
                                                                  db_backend):
    agent, account, _ = make_teacher(mail_pro="claire.martin@ac-montferrand.example")
    gestionnaire, _ = make_gestionnaire()
    (message_id,) = envoyer(avis_app, account.id)
    with avis_app.app_context():  # a message to the gestionnaires' box announces nothing
        db = new_session(avis_app)
        with write_transaction(db):
            send_message(db, to_role="gestionnaire", sender_account_id=account.id, subject="Question", body="x")
        db.close()

    bilan = livrer(avis_app)
    assert (bilan.envoyes, bilan.reportes, bilan.abandonnes) == (1, 0, 0)
    assert livrer(avis_app).envoyes == 0  # twice is once
    (recu,) = smtp.boite.messages
    assert recu["to"] == ["claire.martin@ac-montferrand.example"]
    assert recu["subject"] == "Un nouveau message vous attend dans votre courrier"
    assert f"https://carriere.test/app/courrier/{message_id}" in recu["body"]
    assert "182 points" not in recu["body"] and "Votre dossier" not in recu["body"]
    assert "avis-" in recu["id"]
    (row,) = outbox(avis_app)
    assert (row.etat, row.tentatives, row.message_id, row.canal) == ("envoye", 1, message_id, "courriel")


def test_a_refusing_server_gets_the_notice_later_with_backoff(app_config, tmp_path, request):
    boite = Boite(refuse_data=2)
    server = SmtpLocal(boite)
    request.addfinalizer(server.stop)
    app_config.update({"AVIS_SMTP_HOST": "127.0.0.1", "AVIS_SMTP_PORT": server.port, "AVIS_SMTP_TLS": "aucun",
                       "AVIS_FILE": str(tmp_path / "file.db"), "APP_URL": "https://carriere.test/app"})
    app = request.getfixturevalue("app")
    make_teacher = request.getfixturevalue("make_teacher")
    _agent, account, _ = make_teacher()
    envoyer(app, account.id)
    horloge = Horloge()

    assert livrer(app, maintenant=horloge).reportes == 1
    (row,) = outbox(app)
    assert row.etat == "attente" and "451" in row.erreur
    assert row.prochain_essai_at - horloge.t == timedelta(seconds=BACKOFF_S[0])
    assert livrer(app, maintenant=horloge).reportes == 0  # not before its time
    horloge.t += timedelta(seconds=BACKOFF_S[0])
    assert livrer(app, maintenant=horloge).reportes == 1
    assert outbox(app)[0].prochain_essai_at - horloge.t == timedelta(seconds=BACKOFF_S[1])
    horloge.t += timedelta(seconds=BACKOFF_S[1])
    assert livrer(app, maintenant=horloge).envoyes == 1
    assert len(boite.messages) == 1 and boite.refused == 2
    assert (outbox(app)[0].etat, outbox(app)[0].tentatives) == ("envoye", 3)


def test_a_permanent_refusal_is_given_up(app_config, tmp_path, request):
    server = SmtpLocal(Boite(refuse_data=1, refuse_code="550 5.1.1 Adresse inconnue"))
    request.addfinalizer(server.stop)
    app_config.update({"AVIS_SMTP_HOST": "127.0.0.1", "AVIS_SMTP_PORT": server.port, "AVIS_SMTP_TLS": "aucun",
                       "AVIS_FILE": str(tmp_path / "file.db")})
    app = request.getfixturevalue("app")
    make_teacher = request.getfixturevalue("make_teacher")
    _agent, account, _ = make_teacher()
    envoyer(app, account.id)
    assert livrer(app).abandonnes == 1
    assert outbox(app)[0].etat == "abandonne" and "550" in outbox(app)[0].erreur


def test_nothing_is_sent_to_a_teacher_who_turned_notices_off(avis_app, smtp, make_teacher, login, client,
                                                              form_post):
    _agent, account, password = make_teacher()
    login(client, account.identifiant, password)
    page = client.get("/compte").get_data(as_text=True)
    assert "Avis par courriel" in page and 'value="oui" checked' in page
    response = form_post(client, "/compte/avis/", {"courriel": "non"}, page="/compte")
    assert response.status_code == 302
    assert 'value="non" checked' in client.get("/compte").get_data(as_text=True)
    assert form_post(client, "/compte/avis/", {"courriel": "peut-être"}, page="/compte").status_code == 400

    envoyer(avis_app, account.id)
    assert outbox(avis_app) == []
    assert livrer(avis_app).envoyes == 0 and smtp.boite.messages == []

    form_post(client, "/compte/avis/", {"courriel": "oui"}, page="/compte")
    envoyer(avis_app, account.id)
    assert livrer(avis_app).envoyes == 1 and len(smtp.boite.messages) == 1


def test_a_teacher_without_address_gets_no_notice_and_a_mail_server_down_fails_no_request(
        app_config, tmp_path, request, form_post, monkeypatch):
    app_config.update({"AVIS_SMTP_HOST": "127.0.0.1", "AVIS_SMTP_PORT": 9, "AVIS_SMTP_TLS": "aucun",
                       "AVIS_FILE": str(tmp_path / "file.db")})
    app = request.getfixturevalue("app")

    def broker_down(_app):
        raise ConnectionError("file d'attente injoignable")

    monkeypatch.setattr("forms_app.avis.file.queue_of", broker_down)  # the kick after commit fails quietly
    make_teacher = request.getfixturevalue("make_teacher")
    make_gestionnaire, login, client = (request.getfixturevalue(n) for n in ("make_gestionnaire", "login", "client"))
    _a, sans, _ = make_teacher(nom="Sansadresse", mail_pro="")
    _b, teacher, _ = make_teacher(nom="Avecadresse")
    gestionnaire, password = make_gestionnaire()
    login(client, gestionnaire.identifiant, password)
    response = form_post(client, "/courrier/ecrire", {"destinataire": teacher.identifiant, "objet": "Pièce",
                                                       "corps": "Merci d'envoyer la pièce."})
    assert response.status_code == 302  # the message is sent, whatever the mail server does
    envoyer(app, sans.id)
    assert [r.account_id for r in outbox(app)] == [teacher.id]
    bilan = livrer(app)
    assert (bilan.envoyes, bilan.reportes) == (0, 1)
    assert "injoignable" in outbox(app)[0].erreur


def test_the_http_sms_adapter_posts_to_the_provider_and_retries(app_config, tmp_path, request):
    provider = FournisseurSms(statuts=[503])
    request.addfinalizer(provider.stop)
    app_config.update({"AVIS_SMS": "http", "AVIS_SMS_URL": provider.url, "AVIS_SMS_CLE": "cle-secrete",
                       "AVIS_FILE": str(tmp_path / "file.db"), "AVIS_DOSSIER": str(tmp_path)})
    app = request.getfixturevalue("app")
    make_teacher = request.getfixturevalue("make_teacher")
    _agent, account, _ = make_teacher(portable="06 12 34 56 78")
    _other, sans_portable, _ = make_teacher(nom="Fixe", portable="")
    with app.app_context():
        db = new_session(app)
        with write_transaction(db):
            assert avis_sms(db, [(account.id, None, "Résultat de votre demande : dans votre courrier."),
                                 (sans_portable.id, None, "jamais envoyé")]) == 1
        db.close()
    horloge = Horloge()
    assert livrer(app, maintenant=horloge).reportes == 1
    horloge.t += timedelta(seconds=BACKOFF_S[0])
    assert livrer(app, maintenant=horloge).envoyes == 1
    (recu,) = provider.recus
    assert recu["auth"] == "Bearer cle-secrete" and recu["path"] == "/sms"
    assert recu["json"]["to"] == "+33612345678"
    assert recu["json"]["text"] == "Résultat de votre demande : dans votre courrier."


def test_the_file_sms_adapter_writes_under_instance(app_config, tmp_path, request):
    app_config.update({"AVIS_SMS": "fichier", "AVIS_FILE": str(tmp_path / "file.db"),
                       "AVIS_DOSSIER": str(tmp_path / "instance")})
    app = request.getfixturevalue("app")
    make_teacher = request.getfixturevalue("make_teacher")
    _agent, account, _ = make_teacher(portable="0612345678", mail_pro="")
    with app.app_context():
        db = new_session(app)
        with write_transaction(db):
            avis_sms(db, [(account.id, None, "Votre résultat est dans votre courrier.")])
        db.close()
    assert livrer(app).envoyes == 1
    text = (tmp_path / "instance" / "sms" / "sms.txt").read_text(encoding="utf-8")
    assert "à 0612345678 : Votre résultat est dans votre courrier." in text


CRASHING_WORKER = textwrap.dedent("""
    import os, sys
    from forms_app import create_app
    from forms_app.avis.worker import livrer
    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x", "AVIS_SMTP_HOST": "127.0.0.1",
                      "AVIS_SMTP_PORT": int(sys.argv[2]), "AVIS_SMTP_TLS": "aucun", "AVIS_FILE": sys.argv[3],
                      "AVIS_BAIL_S": 1, "APP_URL": "https://carriere.test/app"})
    sent = []
    def crash(avis_id):
        sent.append(avis_id)
        if len(sent) == 3:
            os._exit(9)  # killed: the rest of its claimed batch stays claimed
    livrer(app, limite=10, apres_envoi=crash)
""")


@pytest.mark.postgres
def test_a_worker_killed_in_the_middle_leaves_no_duplicate_and_no_loss(avis_app, smtp, make_teacher, db_url,
                                                                        tmp_path, db_backend):
    _agent, account, _ = make_teacher()
    ids = envoyer(avis_app, account.id, n=8)
    script = tmp_path / "worker.py"
    script.write_text(CRASHING_WORKER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(script), db_url, str(smtp.port), str(tmp_path / "f.db")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    assert len(smtp.boite.messages) == 3
    rows = outbox(avis_app)
    assert sum(r.etat == "envoye" for r in rows) == 3
    assert sum(r.verrou is not None for r in rows) == 5  # claimed by the dead worker

    horloge = Horloge()
    assert livrer(avis_app, maintenant=horloge).envoyes == 0  # the claims still hold
    horloge.t += timedelta(seconds=2)
    assert livrer(avis_app, maintenant=horloge).envoyes == 5  # restarted: the expired claims are sent
    links = sorted(m["body"].split("/courrier/")[1].split()[0] for m in smtp.boite.messages)
    assert links == sorted(str(i) for i in ids)  # each message announced exactly once


@pytest.mark.postgres
def test_two_workers_at_once_send_each_notice_once(avis_app, smtp, make_teacher, db_backend):
    _agent, account, _ = make_teacher()
    envoyer(avis_app, account.id, n=40)
    results = []

    def work():
        results.append(livrer(avis_app, limite=5).envoyes)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(results) == 40
    assert len(smtp.boite.messages) == 40
    assert len({m["body"] for m in smtp.boite.messages}) == 40
    db = new_session(avis_app)
    assert db.scalar(select(func.count()).select_from(Avis).where(Avis.etat == "envoye")) == 40
    db.close()


def test_the_commit_kicks_the_worker_through_its_queue(avis_app, smtp, make_teacher):
    """After the commit, the queue (Huey, a SQLite file here) holds « send what is due »; the worker runs it."""
    from forms_app.avis.file import queue_of, use_app

    _agent, account, _ = make_teacher()
    queue = queue_of(avis_app)
    queue.flush()
    envoyer(avis_app, account.id)
    assert queue.pending_count() == 1
    use_app(avis_app)
    task = queue.dequeue()
    assert task.name == "avis.livrer"
    assert queue.execute(task) == 1
    assert len(smtp.boite.messages) == 1
    assert [t.__name__ for t in queue._registry._periodic_tasks] == ["avis.balayer"]  # sweep and échéances


def test_starttls_and_credentials(app_config, tmp_path, request):
    """The configured TLS and credentials: STARTTLS verified against the given CA, then AUTH; a wrong
    password is a refusal kept for later, never a notice marked sent."""
    import ssl

    from serveurs_locaux import certificat

    cert, key = certificat(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = SmtpLocal(tls_context=context, comptes={"portail": "mot de passe smtp"})
    request.addfinalizer(server.stop)
    app_config.update({"AVIS_SMTP_HOST": "127.0.0.1", "AVIS_SMTP_PORT": server.port, "AVIS_SMTP_TLS": "starttls",
                       "AVIS_SMTP_CA": cert, "AVIS_SMTP_USER": "portail", "AVIS_SMTP_PASSWORD": "faux"})
    app = request.getfixturevalue("app")
    _agent, account, _ = request.getfixturevalue("make_teacher")()
    envoyer(app, account.id)
    horloge = Horloge()
    assert livrer(app, maintenant=horloge).reportes == 1  # the server refused the credentials
    assert server.boite.messages == []
    app.config["AVIS_SMTP_PASSWORD"] = "mot de passe smtp"
    horloge.t += timedelta(seconds=BACKOFF_S[0])
    assert livrer(app, maintenant=horloge).envoyes == 1
    assert len(server.boite.messages) == 1
    assert server.auth[-1][1] == "portail"
