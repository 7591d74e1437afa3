"""`carriere mobilite confirmations` (folded into the échéances): after saisie closes, each teacher gets
one courrier message with the confirmation of each demande as a PDF, never twice."""
from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from forms_app.confirmations.models import ConfirmationDemande
from forms_app.core.db import new_session, write_transaction
from forms_app.courrier.models import Message, PieceMessage
from forms_app.mobilite.models import Confirmation, Demande, Voeu
from generator.cli import main

SPEC = "specifique-2027"


def test_confirmations_once_saisie_has_closed(app, make_teacher, db_url, project_root, monkeypatch, capsys):
    agent, account, _ = make_teacher(nom="Occitan")
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
    assert "specifique-2027 : envoi des confirmations de demande — à venir le 08/12/2026 à 12:00" in \
        capsys.readouterr().out

    monkeypatch.setenv("CARRIERE_NOW", "2026-12-08T12:00:00")
    assert main(["mobilite", "confirmations", "--campagne", SPEC]) == 0
    assert "faite : 1 élément(s)" in capsys.readouterr().out
    assert main(["mobilite", "confirmations"]) == 0
    assert "specifique-2027 : envoi des confirmations de demande (échéance du 08/12/2026 12:00) — déjà faite" in \
        capsys.readouterr().out

    db = new_session(app)
    messages = list(db.scalars(select(Message).where(Message.kind == "confirmation")))
    confirmations = list(db.scalars(select(Confirmation)))
    (piece,) = db.scalars(select(PieceMessage))
    (par_demande,) = db.scalars(select(ConfirmationDemande))
    pdf = piece.data
    db.close()
    assert [(m.to_account_id, m.subject) for m in messages] == [
        (account.id, "Confirmation de demande — Mouvements spécifiques 2027")]
    assert "Enseignement en langue occitane" in messages[0].body
    assert [(c.agent_id, c.message_id) for c in confirmations] == [(agent.id, messages[0].id)]
    assert lonely.id not in [c.agent_id for c in confirmations]
    assert (par_demande.etat, par_demande.date_limite) == ("attente", None)  # no return phase in this campaign
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Confirmation de demande" in text and "Occitan" in text and "0630021F" in text

    assert main(["mobilite", "confirmations", "--campagne", "inconnue"]) == 1
    assert "campagne inconnue : inconnue" in capsys.readouterr().err
