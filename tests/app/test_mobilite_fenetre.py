"""The saisie window on the server: both edges to the microsecond, forged writes refused, buttons gone."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from forms_app.db import new_session, write_transaction
from forms_app.models.mobilite import Demande, Voeu
from generator.model import PARIS

SPEC = "specifique-2027"
START = datetime(2026, 11, 17, 12, 0, tzinfo=PARIS)
END = datetime(2026, 12, 8, 12, 0, tzinfo=PARIS)
CLOSED = ("La saisie est fermée\u00a0: elle était ouverte du mardi 17 novembre 2026 à 12\u00a0h\u00a000 "
          "au mardi 8 décembre 2026 à 12\u00a0h\u00a000.")
NOT_YET = ("La saisie n'est pas encore ouverte\u00a0: elle sera ouverte du mardi 17 novembre 2026 à 12\u00a0h\u00a000 "
           "au mardi 8 décembre 2026 à 12\u00a0h\u00a000.")


class BusinessClock:
    """Moves the business clock only; sessions keep the security clock of the fixtures."""

    def __init__(self) -> None:
        self.current = START + timedelta(days=2)

    def __call__(self) -> datetime:
        return self.current


@pytest.fixture
def business(app_config) -> BusinessClock:
    clock = BusinessClock()
    app_config["CLOCK"] = clock
    return clock


def csrf_from(html) -> str:
    if isinstance(html, bytes):
        html = html.decode()
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def text_of(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.data.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def setup(business, app, teacher_client):
    """A teacher with one demande holding one vœu: (client, demande_id, voeu_id, token)."""
    client, agent, _ = teacher_client
    moment = business()
    db = new_session(app)
    with write_transaction(db):
        demande = Demande(agent_id=agent.id, campagne=SPEC, mouvement="OCCITAN", discipline="L1000",
                          preference="", voeux_version=0, created_at=moment, updated_at=moment)
        db.add(demande)
        db.flush()
        voeu = Voeu(demande_id=demande.id, rank=1, type="ETB", code="0630021F", libelle="LPO La Fayette",
                    poste="", created_at=moment)
        db.add(voeu)
        db.flush()
        ids = (demande.id, voeu.id)
    db.close()
    token = csrf_from(client.get(f"/mobilite/{SPEC}/").data)
    return client, ids[0], ids[1], token


def writes(demande_id: int, voeu_id: int, token: str) -> list[tuple[str, dict]]:
    """Every kind of write, as a forged POST."""
    base = {"csrf_token": token}
    return [
        (f"/mobilite/{SPEC}/ajouter", {**base, "mouvement": "OCCITAN", "discipline": "L1300"}),
        (f"/mobilite/demandes/{demande_id}/lettre", {**base, "texte": "Lettre"}),
        (f"/mobilite/demandes/{demande_id}/voeux/ajouter", {**base, "type": "COM", "code": "63113", "version": "0"}),
        (f"/mobilite/voeux/{voeu_id}/supprimer", {**base, "version": "0"}),
        (f"/mobilite/demandes/{demande_id}/pieces", {**base, "kind": "rapport_inspection"}),
        (f"/mobilite/demandes/{demande_id}/supprimer", base),
    ]


@pytest.mark.parametrize("moment, message", [(START - timedelta(microseconds=1), NOT_YET), (END, CLOSED)])
def test_every_write_outside_the_window_is_refused(business, app, setup, moment, message):
    client, demande_id, voeu_id, token = setup
    business.current = moment
    for url, data in writes(demande_id, voeu_id, token):
        response = client.post(url, data=data)
        assert response.status_code == 403, (url, response.headers.get("Location"))
        assert message in text_of(response), url
    draft = client.post(f"/mobilite/demandes/{demande_id}/lettre/brouillon", data={"texte": "x"},
                        headers={"X-CSRFToken": token})
    assert draft.status_code == 403 and draft.get_json()["erreur"] == message
    db = new_session(app)
    assert db.scalars(select(Voeu.code)).all() == ["0630021F"]
    assert len(db.scalars(select(Demande.id)).all()) == 1
    db.close()


def test_pages_stay_readable_and_buttons_are_gone_once_closed(business, setup):
    client, demande_id, _voeu_id, _token = setup
    business.current = END
    listing = client.get(f"/mobilite/{SPEC}/")
    assert listing.status_code == 200
    assert CLOSED in text_of(listing)
    assert "Ajouter une demande" not in text_of(listing) and "Supprimer" not in text_of(listing)
    page = client.get(f"/mobilite/demandes/{demande_id}/")
    assert "0630021F" in text_of(page)
    html = page.data.decode()
    assert "Ajouter un vœu" not in html and "Monter le vœu" not in html and 'type="file"' not in html


@pytest.mark.parametrize("moment", [START, END - timedelta(microseconds=1)])
def test_writes_at_the_open_edges_are_accepted(business, app, setup, moment):
    client, demande_id, voeu_id, token = setup
    business.current = moment
    response = client.post(f"/mobilite/demandes/{demande_id}/voeux/ajouter",
                           data={"csrf_token": token, "type": "COM", "code": "63113", "version": "0"})
    assert response.status_code == 302
    db = new_session(app)
    assert db.scalars(select(Voeu.code).order_by(Voeu.rank)).all() == ["0630021F", "63113"]
    db.close()
