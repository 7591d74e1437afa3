"""Échéances: due at the phase boundary itself (end − 1 µs: not yet; end: due; after: due), in Paris time
across DST; twice is once; two processes racing on SQLite and PostgreSQL do each item once; a request
starts them by itself; the operator's command does the same."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select
from suivi_support import INTER, MICRO, RETOUR_FIN, SAISIE_FIN, make_demande

from forms_app.confirmations.models import ConfirmationDemande
from forms_app.core import echeances
from forms_app.core.db import new_session
from forms_app.core.echeances import dues, run_due
from forms_app.core.models import EcheanceFaite
from forms_app.courrier.models import Message, PieceMessage
from generator.cli import main
from generator.model import PARIS

ROOT = Path(__file__).resolve().parents[2]


def keys(site, moment, campagne=INTER):
    return [(d.echeance.action, d.at) for d in dues(site, moment, campagne)]


def test_due_from_the_boundary_itself(app, site_holder):
    site = site_holder()
    assert keys(site, SAISIE_FIN - MICRO) == []
    assert keys(site, SAISIE_FIN) == [("mobilite.confirmations", SAISIE_FIN)]
    assert keys(site, RETOUR_FIN - MICRO) == [("mobilite.confirmations", SAISIE_FIN)]
    assert [a for a, _ in keys(site, RETOUR_FIN)] == ["mobilite.confirmations", "mobilite.annulations"]
    assert [a for a, _ in keys(site, datetime(2027, 3, 3, 12, 0, tzinfo=PARIS))] == [
        "mobilite.confirmations", "mobilite.annulations", "resultats.publication"]


@pytest.mark.parametrize("fin, juste_avant_utc, heure", [
    # 28 March 2027: clocks go from 02:00 to 03:00; 12:00 in Paris is 10:00 UTC (not 11:00).
    (datetime(2027, 3, 28, 12, 0, tzinfo=PARIS), datetime(2027, 3, 28, 9, 59, 59, 999999, tzinfo=timezone.utc), 10),
    # 25 October 2026: clocks go back from 03:00 to 02:00; 12:00 in Paris is 11:00 UTC (not 10:00).
    (datetime(2026, 10, 25, 12, 0, tzinfo=PARIS), datetime(2026, 10, 25, 10, 59, 59, 999999, tzinfo=timezone.utc), 11),
    # A boundary in the night of the change itself: 03:30 on 25 October 2026 (after the repeat) is 02:30 UTC.
    (datetime(2026, 10, 25, 3, 30, tzinfo=PARIS), datetime(2026, 10, 25, 2, 29, 59, 999999, tzinfo=timezone.utc), 2),
])
def test_due_at_the_paris_instant_across_dst(site_holder, fin, juste_avant_utc, heure):
    site = site_holder()
    campaign = site.campaign(INTER)
    phases = tuple(dataclasses.replace(p, start=fin.replace(day=fin.day - 1), end=fin) if p.code == "confirmation"
                   else dataclasses.replace(p, start=fin.replace(day=fin.day - 2), end=fin.replace(day=fin.day - 1))
                   if p.code == "saisie" else p for p in campaign.phases)
    variant = dataclasses.replace(site, campaigns=(dataclasses.replace(campaign, phases=phases),))
    juste_apres = juste_avant_utc + MICRO
    assert juste_apres.hour == heure and juste_apres.minute in (0, 30)
    assert "mobilite.annulations" not in [a for a, _ in keys(variant, juste_avant_utc)]
    assert "mobilite.annulations" in [a for a, _ in keys(variant, juste_apres)]
    assert "mobilite.annulations" in [a for a, _ in keys(variant, juste_apres.astimezone(PARIS))]


def counts(app):
    db = new_session(app)
    try:
        return (db.scalar(select(func.count()).select_from(ConfirmationDemande)),
                db.scalar(select(func.count()).select_from(Message).where(Message.kind == "confirmation")),
                db.scalar(select(func.count()).select_from(ConfirmationDemande)
                          .where(ConfirmationDemande.etat == "annulee")))
    finally:
        db.close()


@pytest.mark.postgres
def test_end_minus_one_microsecond_end_after_and_twice(app, clock, make_teacher, db_backend):
    agents = [make_teacher(nom=f"Prof{i}")[0] for i in range(3)]
    for agent in agents:
        make_demande(app, agent.id)
    clock.current = SAISIE_FIN - MICRO
    assert run_due(app, campagne=INTER) == []
    assert counts(app) == (0, 0, 0)
    clock.current = SAISIE_FIN
    (bilan,) = run_due(app, campagne=INTER)
    assert (bilan.due.echeance.action, bilan.nombre, bilan.deja_faite) == ("mobilite.confirmations", 3, False)
    assert counts(app) == (3, 3, 0)
    (again,) = run_due(app, campagne=INTER)  # twice is once
    assert again.deja_faite and counts(app) == (3, 3, 0)
    clock.current = RETOUR_FIN - MICRO
    assert [b.deja_faite for b in run_due(app, campagne=INTER)] == [True]
    clock.current = RETOUR_FIN
    bilans = run_due(app, campagne=INTER)
    assert [(b.due.echeance.action, b.nombre) for b in bilans] == [("mobilite.confirmations", 0),
                                                                   ("mobilite.annulations", 3)]
    assert counts(app) == (3, 6, 3)
    run_due(app, campagne=INTER)
    assert counts(app) == (3, 6, 3)
    db = new_session(app)
    done = {(r.action, r.nombre) for r in db.scalars(select(EcheanceFaite))}
    db.close()
    assert done == {("mobilite.confirmations", 3), ("mobilite.annulations", 3)}


RACER = textwrap.dedent("""
    import sys
    from forms_app import create_app
    from forms_app.core.echeances import run_due
    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x", "TESTING": True})
    bilans = run_due(app, campagne="inter-2027")
    print(sum(b.nombre for b in bilans))
""")


@pytest.mark.postgres
def test_two_processes_racing_cancel_each_demande_once_with_one_message(app, clock, make_teacher, db_url, tmp_path,
                                                                        db_backend):
    agents = [make_teacher(nom=f"Course{i}")[0] for i in range(12)]
    for agent in agents:
        make_demande(app, agent.id)
    clock.current = SAISIE_FIN
    run_due(app, campagne=INTER)
    assert counts(app) == (12, 12, 0)
    script = tmp_path / "racer.py"
    script.write_text(RACER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CARRIERE_NOW": RETOUR_FIN.isoformat(),
           "CARRIERE_ROOT": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, str(script), db_url], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _out, err in outputs]
    done = sorted(int(out.strip().splitlines()[-1]) for out, _err in outputs)
    assert sum(done) == 12  # the work was done once in all, whoever did it
    assert counts(app) == (12, 24, 12)
    db = new_session(app)
    per_agent = db.execute(select(Message.to_account_id, func.count()).where(
        Message.kind == "confirmation", Message.subject.like("Demande annulée%")).group_by(Message.to_account_id)).all()
    db.close()
    assert len(per_agent) == 12 and {n for _a, n in per_agent} == {1}


def test_a_request_starts_the_due_work_by_itself(app_config, clock, request):
    app_config["ECHEANCES_INTERVALLE"] = 1
    app = request.getfixturevalue("app")
    make_teacher = request.getfixturevalue("make_teacher")
    agent, _account, _ = make_teacher()
    make_demande(app, agent.id)
    client = app.test_client()
    client.get("/connexion")  # 20 November 2026: every saisie is open, nothing is due
    veille = app.extensions["carriere_echeances"]
    assert veille.thread is None  # nothing due: no thread
    clock.current = SAISIE_FIN
    client.get("/connexion")  # within the interval: not even a look
    assert veille.thread is None
    veille.next_look = 0
    client.get("/connexion")
    assert veille.thread is not None
    veille.thread.join(timeout=60)
    assert counts(app)[:2] == (1, 1)
    assert ("inter-2027", "saisie", "mobilite.confirmations") in veille.known_done
    veille.next_look = 0
    client.get("/connexion")  # known done in this process: no new thread, no query
    assert not veille.thread.is_alive() and counts(app)[:2] == (1, 1)


def test_the_operators_command_does_the_same(app, make_teacher, db_url, project_root, monkeypatch, capsys):
    agent, _account, _ = make_teacher()
    make_demande(app, agent.id)
    monkeypatch.setenv("CARRIERE_DATABASE_URL", db_url)
    monkeypatch.setenv("CARRIERE_ROOT", str(project_root))
    monkeypatch.setenv("CARRIERE_SECRET_KEY", "clé de test")
    monkeypatch.setenv("CARRIERE_NOW", (SAISIE_FIN - MICRO).isoformat())
    assert main(["mobilite", "echeances", "--campagne", INTER]) == 0
    out = capsys.readouterr().out
    assert "inter-2027 : envoi des confirmations de demande — à venir le 09/12/2026 à 12:00" in out
    monkeypatch.setenv("CARRIERE_NOW", SAISIE_FIN.isoformat())
    assert main(["mobilite", "confirmations", "--campagne", INTER]) == 0
    assert "envoi des confirmations de demande (échéance du 09/12/2026 12:00) — faite : 1 élément(s)" in \
        capsys.readouterr().out
    assert main(["mobilite", "echeances"]) == 0
    assert "déjà faite" in capsys.readouterr().out
    assert counts(app)[:2] == (1, 1)
    assert main(["mobilite", "echeances", "--campagne", "inconnue"]) == 1
    assert "campagne inconnue : inconnue" in capsys.readouterr().err


def test_registering_an_echeance_of_another_area(site_holder):
    calls = []
    echeances.register("essai.action", "bareme", "debut", lambda s, c, at: (calls.append(c.slug) or 0, True),
                       "essai")
    try:
        site = site_holder()
        moment = datetime(2027, 1, 18, 12, 0, tzinfo=PARIS)
        assert "essai.action" in [d.echeance.action for d in dues(site, moment, INTER)]
        assert "essai.action" not in [d.echeance.action for d in dues(site, moment - MICRO, INTER)]
    finally:
        echeances._REGISTRE.pop("essai.action")


def test_confirmation_pdfs_are_attached_to_the_message(app, clock, make_teacher):
    agent, _account, _ = make_teacher()
    make_demande(app, agent.id)
    make_demande(app, agent.id, discipline="L1300", voeux=[("ACA", "01", "Paris")])
    clock.current = SAISIE_FIN
    run_due(app, campagne=INTER)
    db = new_session(app)
    (message,) = db.scalars(select(Message).where(Message.kind == "confirmation"))
    pieces = list(db.scalars(select(PieceMessage).where(PieceMessage.message_id == message.id)))
    db.close()
    assert len(pieces) == 2 and all(p.filename.startswith("confirmation-demande-") for p in pieces)
    assert "Retournez chaque confirmation signée avant le jeudi 17 décembre 2026 à 12" in message.body
