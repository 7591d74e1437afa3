"""`carriere mobilite confirmations`: after saisie closes, one courrier message per teacher, never twice."""
from __future__ import annotations

from sqlalchemy import select

from forms_app.core.db import new_session, write_transaction
from forms_app.courrier.models import Message
from forms_app.mobilite.models import Confirmation, Demande, Voeu
from generator.cli import main

SPEC = "specifique-2027"


def test_confirmations_once_saisie_has_closed(app, make_teacher, db_url, project_root, monkeypatch, capsys):
    agent, account, _ = make_teacher()
    lonely, _account2, _ = make_teacher(nom="Sansdemande")
    moment = app.config["CLOCK"]()
    db = new_session(app)
    with write_transaction(db):
        demande = Demande(agent_id=agent.id, campagne=SPEC, mouvement="OCCITAN", discipline="L1000",
                          preference="", voeux_version=1, created_at=moment, updated_at=moment)
        db.add(demande)
        db.flush()
        db.add(Voeu(demande_id=demande.id, rank=1, type="ETB", code="0630021F",
                    libelle="LPO Lycée des métiers La Fayette 21 boulevard Robert Schuman Clermont-Ferrand",
                    poste="", created_at=moment))
    db.close()
    monkeypatch.setenv("CARRIERE_DATABASE_URL", db_url)
    monkeypatch.setenv("CARRIERE_ROOT", str(project_root))
    monkeypatch.setenv("CARRIERE_SECRET_KEY", "clé de test")

    monkeypatch.setenv("CARRIERE_NOW", "2026-12-08T11:59:59")
    assert main(["mobilite", "confirmations", "--campagne", SPEC]) == 0
    assert "specifique-2027 : saisie non close, aucune confirmation envoyée" in capsys.readouterr().out

    monkeypatch.setenv("CARRIERE_NOW", "2026-12-08T12:00:00")
    assert main(["mobilite", "confirmations", "--campagne", SPEC]) == 0
    assert "1 confirmation(s) envoyée(s) dans le courrier" in capsys.readouterr().out
    assert main(["mobilite", "confirmations"]) == 0
    assert "0 confirmation(s) envoyée(s) dans le courrier" in capsys.readouterr().out

    db = new_session(app)
    messages = list(db.scalars(select(Message).where(Message.kind == "confirmation")))
    confirmations = list(db.scalars(select(Confirmation)))
    db.close()
    assert [(m.to_account_id, m.subject) for m in messages] == [
        (account.id, "Confirmation de vos demandes — Mouvements spécifiques 2027")]
    body = messages[0].body
    assert "Demande : Enseignement en langue occitane Histoire-géographie" in body
    assert "  1. Établissement 0630021F — LPO Lycée des métiers La Fayette" in body
    assert [(c.agent_id, c.message_id) for c in confirmations] == [(agent.id, messages[0].id)]
    assert lonely.id not in [c.agent_id for c in confirmations]

    assert main(["mobilite", "confirmations", "--campagne", "inconnue"]) == 1
    assert "campagne inconnue : inconnue" in capsys.readouterr().out
