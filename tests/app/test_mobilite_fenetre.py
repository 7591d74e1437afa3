"""The saisie window on the server: both edges to the microsecond, forged writes refused, buttons gone."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from forms_app.core.db import new_session, write_transaction
from forms_app.mobilite.models import Demande, Voeu
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


# --- a publisher's file, across a DST change, edited while the app runs ------------------------

@pytest.fixture
def dst_site(tmp_path, project_root, app_config, monkeypatch):
    """A copy of the example content whose specifique saisie spans the October DST change."""
    import shutil

    from forms_app.core import content

    root = tmp_path / "site"
    shutil.copytree(project_root / "content", root / "content")
    shutil.copytree(project_root / "data", root / "data")
    path = root / "content" / "campagnes" / "specifique-2027.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    debut: 2026-11-17 12:00\n    fin: 2026-12-08 12:00", "    debut: 2026-10-23 12:00\n    fin: 2026-10-26 12:00")
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(content, "CHECK_EVERY", 0.0)  # look at the files on every request
    holder = content.SiteHolder(str(root))
    assert holder.site is not None, holder.problems
    app_config["SITE_HOLDER"] = holder
    app_config["SITE_ROOT"] = str(root)
    return path


def test_window_from_the_campaign_file_across_dst_and_after_an_edit(dst_site, business, app, setup):
    from datetime import timezone

    client, demande_id, _voeu_id, token = setup

    def add(code: str) -> int:
        return client.post(f"/mobilite/demandes/{demande_id}/voeux/ajouter", data={
            "csrf_token": token, "type": "COM", "code": code,
            "version": str(len(voeux(app)) - 1)}).status_code

    # Opens at 12:00 summer time (10:00 UTC), closes at 12:00 winter time (11:00 UTC).
    business.current = datetime(2026, 10, 26, 11, 0, tzinfo=timezone.utc) - timedelta(microseconds=1)
    assert add("63113") == 302
    business.current = datetime(2026, 10, 26, 11, 0, tzinfo=timezone.utc)
    refused = client.post(f"/mobilite/demandes/{demande_id}/voeux/ajouter", data={
        "csrf_token": token, "type": "COM", "code": "03190", "version": "1"})
    assert refused.status_code == 403
    assert ("La saisie est fermée\u00a0: elle était ouverte du vendredi 23 octobre 2026 à 12\u00a0h\u00a000 "
            "au lundi 26 octobre 2026 à 12\u00a0h\u00a000.") in text_of(refused)
    # The publisher moves the deadline by one day: the app follows without a restart.
    dst_site.write_text(dst_site.read_text(encoding="utf-8").replace("fin: 2026-10-26 12:00", "fin: 2026-10-27 12:00"),
                        encoding="utf-8")
    import os

    later = dst_site.stat().st_mtime + 5
    os.utime(dst_site, (later, later))
    assert add("03190") == 302
    assert [code for code in voeux(app)] == ["0630021F", "63113", "03190"]


def voeux(app) -> list[str]:
    db = new_session(app)
    codes = db.scalars(select(Voeu.code).order_by(Voeu.rank)).all()
    db.close()
    return codes
