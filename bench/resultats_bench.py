"""Bench of the results' publication and of the notices' worker (issue 12).

    .venv/bin/python bench/resultats_bench.py [--resultats 30000] [--courriels 3000] [--only publication|worker]

1. Publication on PostgreSQL: a fresh database on 127.0.0.1:5432 (or CARRIERE_BENCH_POSTGRES_URL),
   migrated; `--resultats` agents with an account (mail_pro, one in two with a portable), a demande of
   intra-2027 with 3 vœux and an imported result each, written with COPY; then the timed part:
   `resultats.publication.publier()` — one courrier message per agent, its e-mail notice and, with a
   portable, its SMS in the outbox, the results marked published — batch after batch, as the gestionnaire's
   button and the échéance run it. Target: < 60 s for 30,000.
2. The worker on SQLite: `--courriels` e-mail notices in the outbox, a real SMTP server (aiosmtpd, in a
   process of its own) on 127.0.0.1, `avis.worker.livrer(fils=4)` (4 senders, each its own SMTP connection and claims) timed until the
   outbox is empty. Target: >= 200 e-mails/s.
Only 127.0.0.1 is reached; counts are fixed and each step has a time limit; the database is dropped.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "app"))

CAMPAGNE = "intra-2027"
LIMITE_S = 600


def pg_admin_url() -> str:
    return os.environ.get("CARRIERE_BENCH_POSTGRES_URL", "").strip() or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def populate(url: str, n: int) -> None:
    """Agents, accounts, demandes, vœux and unpublished results, with COPY."""
    import psycopg

    from forms_app.core.db import make_engine
    from forms_app.core.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    moment = datetime(2027, 6, 10, 10, 0, tzinfo=timezone.utc)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy("COPY agents (id, numen, civilite, nom, prenom, date_naissance, corps, grade, echelon, "
                      "discipline, position, modalite_service, affectation_uai, adresse, code_postal, commune, "
                      "mail_pro, mail_perso, telephone, portable, situation_familiale, enfants, created_at, "
                      "updated_at) FROM STDIN") as copy:
            for i in range(1, n + 1):
                copy.write_row((i, f"{i:07d}BANC{i % 97:02d}"[:13], "Madame", f"Nom{i}", "Prénom",
                                date(1980, 1, 1), "professeur certifié", "classe normale", 5, "L1300",
                                "en activité", "temps complet", "", "", "", "", f"agent{i}@ac-banc.example", "",
                                "", "06 12 34 56 78" if i % 2 else "", "", 0, moment, moment))
        with cur.copy("COPY accounts (id, identifiant, role, agent_id, display_name, password_hash, "
                      "must_change_password, totp_enabled, created_at) FROM STDIN") as copy:
            for i in range(1, n + 1):
                copy.write_row((i, f"banc{i}", "enseignant", i, "", "x", False, False, moment))
        with cur.copy("COPY demandes (id, agent_id, campagne, mouvement, discipline, preference, voeux_version, "
                      "revision, created_at, updated_at) FROM STDIN") as copy:
            for i in range(1, n + 1):
                copy.write_row((i, i, CAMPAGNE, "GEN", "", "", 3, 0, moment, moment))
        with cur.copy("COPY voeux (demande_id, rank, type, code, libelle, poste, type_etab, created_at) "
                      "FROM STDIN") as copy:
            for i in range(1, n + 1):
                for rank, (code, libelle) in enumerate((("63113", "Clermont-Ferrand"), ("063", "Puy-de-Dôme"),
                                                        ("06", "Académie de Clermont-Ferrand")), 1):
                    copy.write_row((i, rank, "COM" if rank == 1 else "DPT" if rank == 2 else "ACA", code, libelle,
                                    "", "", moment))
        with cur.copy("COPY resultats (demande_id, agent_id, campagne, issue, voeu_rang, uai, libelle, importe_at) "
                      "FROM STDIN") as copy:
            for i in range(1, n + 1):
                issue = ("satisfait", "maintenu", "non_satisfait")[i % 3]
                copy.write_row((i, i, CAMPAGNE, issue, 2 if issue == "satisfait" else None, "",
                                "Puy-de-Dôme" if issue == "satisfait" else "", moment))
        cur.execute("ANALYZE")


def bench_publication(n: int) -> dict:
    from sqlalchemy import create_engine, func, select, text

    from forms_app import create_app
    from forms_app.avis.models import Avis
    from forms_app.core.db import new_session
    from forms_app.courrier.models import Message
    from forms_app.resultats.publication import publier

    admin_url = pg_admin_url()
    name = f"carriere_banc_resultats_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        started = time.perf_counter()
        populate(url, n)
        setup_s = time.perf_counter() - started
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "banc", "TESTING": True,
                          "APP_URL": "https://carriere.example/app"})
        with app.app_context():
            from forms_app.core.content import current_site

            campaign = current_site().campaign(CAMPAGNE)
            session = new_session(app)
            started = time.perf_counter()
            published = publier(session, campaign, None)
            elapsed = time.perf_counter() - started
            messages = session.scalar(select(func.count()).select_from(Message))
            avis = dict(session.execute(select(Avis.canal, func.count()).group_by(Avis.canal)).all())
            session.close()
        app.extensions["carriere_db"]["engine"].dispose()
        return {"setup_s": setup_s, "publication_s": elapsed, "resultats": published, "messages": messages,
                "courriels": avis.get("courriel", 0), "sms": avis.get("sms", 0)}
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _smtp_process(port: int, count, ready, stop) -> None:
    """An SMTP server in a process of its own (as a real one is), counting what it receives."""
    from serveurs_locaux import Boite
    from aiosmtpd.controller import Controller

    class Compteur(Boite):
        async def handle_DATA(self, server, session, envelope):
            with count.get_lock():
                count.value += 1
            return "250 OK"

    controller = Controller(Compteur(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait(LIMITE_S)
    controller.stop()


def bench_worker(n: int) -> dict:
    import multiprocessing

    from serveurs_locaux import free_port
    from sqlalchemy import func, select

    from forms_app import create_app
    from forms_app.avis.models import Avis
    from forms_app.avis.worker import livrer
    from forms_app.core.clock import system_now
    from forms_app.core.db import make_engine, new_session, write_transaction
    from forms_app.core.migrate import upgrade

    folder = Path(tempfile.mkdtemp(prefix="carriere-banc-avis-"))
    url = f"sqlite:///{folder / 'banc.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    port = free_port()
    context = multiprocessing.get_context("spawn")
    count, ready, stop = context.Value("i", 0), context.Event(), context.Event()
    server = context.Process(target=_smtp_process, args=(port, count, ready, stop), daemon=True)
    server.start()
    ready.wait(30)
    try:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "banc", "TESTING": True, "AVIS_SMTP_HOST": "127.0.0.1",
                          "AVIS_SMTP_PORT": port, "AVIS_SMTP_TLS": "aucun", "APP_URL": "https://carriere.example/app"})
        moment = system_now()
        session = new_session(app)
        with write_transaction(session):
            from forms_app.comptes.models import Account

            session.add(Account(id=1, identifiant="banc", role="enseignant", agent_id=None, display_name="Banc",
                                password_hash="x", must_change_password=False, totp_enabled=False, created_at=moment))
            session.flush()
            session.execute(Avis.__table__.insert(), [
                {"account_id": 1, "message_id": None, "canal": "courriel", "destinataire": f"agent{i}@ac-banc.example",
                 "sujet": "Un nouveau message vous attend dans votre courrier",
                 "corps": f"Bonjour,\n\nUn nouveau message vous attend : https://carriere.example/app/courrier/{i}\n",
                 "etat": "attente", "tentatives": 0, "prochain_essai_at": moment, "erreur": "", "created_at": moment}
                for i in range(n)])
        session.close()
        started = time.perf_counter()
        bilan = livrer(app, limite=100, fils=4)
        elapsed = time.perf_counter() - started
        session = new_session(app)
        sent = session.scalar(select(func.count()).select_from(Avis).where(Avis.etat == "envoye"))
        session.close()
        app.extensions["carriere_db"]["engine"].dispose()
        return {"courriels": bilan.envoyes, "envoyes_en_base": sent, "recus": count.value,
                "secondes": elapsed, "par_seconde": bilan.envoyes / elapsed}
    finally:
        stop.set()
        server.join(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resultats", type=int, default=30000)
    parser.add_argument("--courriels", type=int, default=3000)
    parser.add_argument("--only", choices=("publication", "worker"))
    args = parser.parse_args()
    print(f"machine : {os.cpu_count()} cœurs, Python {platform.python_version()}")
    if args.only in (None, "publication"):
        r = bench_publication(min(args.resultats, 200_000))
        print(f"publication PostgreSQL : {r['resultats']} résultats en {r['publication_s']:.1f} s "
              f"({r['messages']} messages, {r['courriels']} courriels et {r['sms']} SMS dans la boîte d'envoi ; "
              f"préparation {r['setup_s']:.1f} s) — objectif < 60 s : {'atteint' if r['publication_s'] < 60 else 'MANQUÉ'}")
    if args.only in (None, "worker"):
        w = bench_worker(min(args.courriels, 50_000))
        print(f"worker SQLite → SMTP 127.0.0.1 : {w['courriels']} courriels en {w['secondes']:.2f} s, "
              f"{w['par_seconde']:.0f}/s ({w['recus']} reçus, {w['envoyes_en_base']} marqués envoyés) — "
              f"objectif ≥ 200/s : {'atteint' if w['par_seconde'] >= 200 else 'MANQUÉ'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
